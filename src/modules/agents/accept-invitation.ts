import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { hashPassword } from './password.ts';
import { passwordErrors } from './password-policy.ts';
import { findAgentToken, spendAgentToken } from './agent-tokens.ts';

/** The agent an invitation token opens, if it is unused and not expired. */
export async function findInvitation(trx: Tx, token: string, now: Date) {
  return findAgentToken(trx, token, 'invitation', now);
}

/**
 * Sets the invited agent's password (checked against the policy) and spends the invitation.
 * Returns the agent id, or the field errors of a password the policy refuses.
 */
export async function acceptInvitation(
  trx: Tx,
  input: { token: string; password: string; confirmation: string; tenantName: string; now: Date },
): Promise<FormResult<string>> {
  const invitation = await findInvitation(trx, input.token, input.now);
  if (!invitation) throw invalidInvitation();
  const refused = passwordErrors(input, invitation.email);
  if (refused.length > 0) return { ok: false, errors: refused };
  // The conditional update makes the link single-use even when two submissions race.
  if (!(await spendAgentToken(trx, invitation.id, input.now))) throw invalidInvitation();
  await trx
    .updateTable('agents')
    .set({ password_hash: await hashPassword(input.password), last_login_at: input.now })
    .where('id', '=', invitation.agent_id)
    .execute();
  return { ok: true, value: invitation.agent_id };
}

export function invalidInvitation(): AppError {
  return new AppError(
    'not_found',
    'Ce lien d’invitation n’est plus valable : il a déjà servi ou a expiré (il vaut 72 heures). Demandez à un administrateur de vous inviter à nouveau.',
  );
}
