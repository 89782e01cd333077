import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FieldError } from '../../platform/web/form.ts';
import { hashPassword } from '../agents/password.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { resetPasswordMail } from './mails.ts';
import { newPasswordErrors } from './password-choice.ts';
import { consumeToken, inspectToken, issueToken, voidTokens } from './tokens.ts';

/**
 * Sends a reset link when the address has an account. The caller answers the same way whether
 * or not it has one.
 */
export async function requestPasswordReset(
  trx: Tx,
  tenant: Tenant,
  input: { email: string | null; now: Date; siteUrl: string },
): Promise<void> {
  if (!input.email) return;
  const citizen = await trx
    .selectFrom('citizens')
    .select(['id', 'email'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  if (!citizen?.email) return;
  const token = await issueToken(trx, {
    tenantId: tenant.id,
    citizenId: citizen.id,
    purpose: 'reset_password',
    now: input.now,
  });
  await queueMail(
    trx,
    tenant.id,
    resetPasswordMail(tenant, citizen.email, `${input.siteUrl}/mot-de-passe/nouveau?jeton=${token}`),
  );
}

/**
 * Sets a new password with a reset link. The link proves access to the mailbox, so it also
 * confirms the address. Every session of the citizen is closed and pending confirmation links
 * are voided: whoever knew the old password (perhaps someone who registered this address
 * before its owner) is logged out everywhere and keeps no way in. Returns null when the link is
 * unknown, expired or already used; `{ ok: false, errors }` when the password policy refuses the
 * password or the confirmation differs (the link stays usable).
 */
export async function resetPassword(
  trx: Tx,
  tenant: Tenant,
  input: { token: string; password: string; confirmation: string; now: Date },
): Promise<{ ok: true; citizenId: string } | { ok: false; errors: FieldError[] } | null> {
  const state = await inspectToken(trx, input.token, 'reset_password', input.now);
  if (state.state !== 'valid') return null;
  const account = await trx.selectFrom('citizens').select('email').where('id', '=', state.citizenId).executeTakeFirst();
  const errors = newPasswordErrors({ ...input, email: account?.email ?? '', tenantName: tenant.name });
  if (errors.length) return { ok: false, errors };
  const citizenId = await consumeToken(trx, input.token, 'reset_password', input.now);
  if (!citizenId) return null;
  const passwordHash = await hashPassword(input.password);
  const citizen = await trx
    .selectFrom('citizens')
    .select(['email_verified_at'])
    .where('id', '=', citizenId)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('citizens')
    .set({
      password_hash: passwordHash,
      email_verified_at: citizen.email_verified_at ?? input.now,
      updated_at: input.now,
    })
    .where('id', '=', citizenId)
    .execute();
  await voidTokens(trx, citizenId, 'reset_password', input.now);
  // Confirmation links issued to whoever registered before are worth nothing any more.
  await voidTokens(trx, citizenId, 'verify_email', input.now);
  await trx.deleteFrom('citizen_sessions').where('citizen_id', '=', citizenId).execute();
  return { ok: true, citizenId };
}
