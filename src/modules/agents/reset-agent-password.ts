import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { mailSignature } from '../../platform/mail-sender.ts';
import { findAgentToken, issueAgentToken, spendAgentToken, spendAgentTokens } from './agent-tokens.ts';
import { hashPassword } from './password.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { passwordErrors } from './password-policy.ts';
import { deleteAgentSessions } from './sessions.ts';

/** Short: the link is a password in all but name, and whoever asked for it reads mail now. */
export const PASSWORD_RESET_LIFETIME_MS = 60 * 60 * 1000;

export interface ResetRequest {
  tenantId: string;
  tenantName: string;
  /** Absolute URL of the tenant's site, for the link in the mail. */
  baseUrl: string;
  now: Date;
}

/**
 * Mails a reset link to the active agent with this address (already normalised by the caller,
 * null when it could not be). Nothing tells the caller whether an account exists: the page
 * answers the same in every case, and the mail leaves later from the outbox.
 */
export async function requestAgentPasswordReset(
  trx: Tx,
  input: ResetRequest & { email: string | null },
): Promise<void> {
  if (!input.email) return;
  const agent = await trx
    .selectFrom('agents')
    .select(['id', 'email', 'display_name'])
    .where('email', '=', input.email)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!agent) return;
  await sendResetLink(trx, { ...input, agent, issuedBy: null });
}

/**
 * The same link, sent at an administrator's request (an agent who cannot reach the form, or
 * whose password may be known to someone else). Throws not_found for an unknown agent and
 * forbidden for a deactivated one.
 */
export async function sendAgentPasswordReset(
  trx: Tx,
  input: ResetRequest & { agentId: string; adminId: string },
): Promise<void> {
  const agent = await trx
    .selectFrom('agents')
    .select(['id', 'email', 'display_name', 'active'])
    .where('id', '=', input.agentId)
    .executeTakeFirst();
  if (!agent) throw new AppError('not_found', "Cet agent n'existe pas.");
  if (!agent.active) {
    throw new AppError('forbidden', 'Ce compte est désactivé : réactivez-le avant de réinitialiser son mot de passe.');
  }
  await sendResetLink(trx, { ...input, agent, issuedBy: input.adminId });
}

async function sendResetLink(
  trx: Tx,
  input: ResetRequest & { agent: { id: string; email: string; display_name: string }; issuedBy: string | null },
): Promise<void> {
  // Only the newest link works: an older mail lying in a mailbox is worth nothing.
  await spendAgentTokens(trx, input.agent.id, 'password_reset', input.now);
  const token = await issueAgentToken(trx, {
    tenantId: input.tenantId,
    agentId: input.agent.id,
    purpose: 'password_reset',
    issuedBy: input.issuedBy,
    lifetimeMs: PASSWORD_RESET_LIFETIME_MS,
    now: input.now,
  });
  await queueMail(
    trx,
    input.tenantId,
    renderMail({
      to: input.agent.email,
      subject: `Changer votre mot de passe – ${input.tenantName}`,
      greeting: `Bonjour ${input.agent.display_name},`,
      blocks: [
        {
          kind: 'paragraph',
          text: input.issuedBy
            ? `Un administrateur de ${input.tenantName} vous invite à changer le mot de passe de votre compte agent.`
            : `Quelqu'un a demandé à changer le mot de passe de votre compte agent de ${input.tenantName}.`,
        },
        { kind: 'paragraph', text: 'Pour choisir un nouveau mot de passe, ouvrez ce lien :' },
        {
          kind: 'button',
          label: 'Choisir un nouveau mot de passe',
          url: `${input.baseUrl}/agent/mot-de-passe/nouveau?jeton=${token}`,
        },
        { kind: 'paragraph', text: 'Ce lien ne marche qu’une fois et pendant 1 heure.' },
        {
          kind: 'paragraph',
          text: 'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable.',
        },
      ],
      signature: mailSignature({ name: input.tenantName }),
    }),
  );
}

/** The agent a reset link opens, if it is unused, not expired and the agent still active. */
export function findPasswordReset(trx: Tx, token: string, now: Date) {
  return findAgentToken(trx, token, 'password_reset', now);
}

export function invalidResetLink(): AppError {
  return new AppError(
    'not_found',
    'Ce lien n’est plus valable : il a déjà servi ou a expiré (il vaut 1 heure). Demandez un nouveau lien depuis la page de connexion.',
  );
}

/**
 * Sets the new password (checked against the policy) and spends the link, then closes every
 * session of the agent: whoever knew the old password is out everywhere. The second factor is
 * left as it is, so the next login still asks for the TOTP code. Returns the agent id, or the
 * field errors of a password the policy refuses.
 */
export async function resetAgentPassword(
  trx: Tx,
  input: { token: string; password: string; confirmation: string; tenantName: string; now: Date },
): Promise<FormResult<string>> {
  const reset = await findPasswordReset(trx, input.token, input.now);
  if (!reset) throw invalidResetLink();
  const refused = passwordErrors(input, reset.email);
  if (refused.length > 0) return { ok: false, errors: refused };
  if (!(await spendAgentToken(trx, reset.id, input.now))) throw invalidResetLink();
  await trx
    .updateTable('agents')
    .set({ password_hash: await hashPassword(input.password) })
    .where('id', '=', reset.agent_id)
    .execute();
  await deleteAgentSessions(trx, reset.agent_id);
  return { ok: true, value: reset.agent_id };
}
