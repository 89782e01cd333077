import type { Tx } from '../../db/tenant-scope.ts';
import { verifyAgainstDummy, verifyPassword } from '../agents/password.ts';
import { sameBrowser } from './registration-browser.ts';
import { consumeToken, inspectToken } from './tokens.ts';

export type VerifyEmailResult = 'verified' | 'password_needed' | 'wrong_password' | 'already_used' | 'invalid';

/**
 * Confirms the address of the account a verification link was sent for. The link proves access
 * to the mailbox, not who chose the password: someone may have registered another person's
 * address. So it confirms at once only in the browser that registered (`browserHash`, the hash
 * of that browser's registration cookie); anywhere else the account's password must be given
 * too. The owner of the mailbox who does not know that password takes the account back with a
 * password reset instead. A link opened a second time (a mail client that prefetches links, a
 * double click) is not an error for the citizen.
 */
export async function verifyEmail(
  trx: Tx,
  input: { token: string; browserHash: string | null; password?: string | null; now: Date },
): Promise<VerifyEmailResult> {
  const state = await inspectToken(trx, input.token, 'verify_email', input.now);
  if (state.state === 'used') return 'already_used';
  if (state.state === 'invalid') return 'invalid';
  if (!sameBrowser(state.browserHash, input.browserHash)) {
    if (input.password === undefined || input.password === null) return 'password_needed';
    const citizen = await trx
      .selectFrom('citizens')
      .select('password_hash')
      .where('id', '=', state.citizenId)
      .executeTakeFirst();
    const ok = citizen?.password_hash
      ? await verifyPassword(citizen.password_hash, input.password)
      : await verifyAgainstDummy(input.password);
    if (!ok) return 'wrong_password';
  }
  const citizenId = await consumeToken(trx, input.token, 'verify_email', input.now);
  // Used by a concurrent request between the two reads: the address is confirmed either way.
  if (!citizenId) return 'already_used';
  await trx
    .updateTable('citizens')
    .set({ email_verified_at: input.now, updated_at: input.now })
    .where('id', '=', citizenId)
    .where('email_verified_at', 'is', null)
    .execute();
  return 'verified';
}

/** The address of the account a still valid verification link is for, or null. */
export async function verificationLinkEmail(trx: Tx, token: string, now: Date): Promise<string | null> {
  const state = await inspectToken(trx, token, 'verify_email', now);
  if (state.state !== 'valid') return null;
  const row = await trx.selectFrom('citizens').select('email').where('id', '=', state.citizenId).executeTakeFirst();
  return row?.email ?? null;
}
