import type { Tx } from '../../db/tenant-scope.ts';
import { consumeToken, inspectToken } from './tokens.ts';

export type VerifyEmailResult = 'verified' | 'already_used' | 'invalid';

/**
 * Confirms the address of the account a verification link was sent for. A link opened a second
 * time (a mail client that prefetches links, a double click) is not an error for the citizen.
 */
export async function verifyEmail(trx: Tx, token: string, now: Date): Promise<VerifyEmailResult> {
  const citizenId = await consumeToken(trx, token, 'verify_email', now);
  if (!citizenId) {
    const state = await inspectToken(trx, token, 'verify_email', now);
    return state.state === 'used' ? 'already_used' : 'invalid';
  }
  await trx
    .updateTable('citizens')
    .set({ email_verified_at: now, updated_at: now })
    .where('id', '=', citizenId)
    .where('email_verified_at', 'is', null)
    .execute();
  return 'verified';
}
