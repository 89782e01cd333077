import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';

export type TokenPurpose = 'verify_email' | 'reset_password';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

const TOKEN_FORMAT = /^[\w-]{43}$/;

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A single-use token for a link sent by mail; only its hash is stored. */
export async function issueToken(
  trx: Tx,
  input: { tenantId: string; citizenId: string; purpose: TokenPurpose; now: Date; browserHash?: string | null },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('citizen_tokens')
    .values({
      tenant_id: input.tenantId,
      id: tokenId(token),
      citizen_id: input.citizenId,
      purpose: input.purpose,
      created_at: input.now,
      expires_at: new Date(input.now.getTime() + TOKEN_LIFETIME_MS[input.purpose]),
      browser_hash: input.browserHash ?? null,
    })
    .execute();
  return token;
}

export type TokenState =
  | { state: 'valid'; citizenId: string; browserHash: string | null }
  | { state: 'used'; citizenId: string }
  | { state: 'invalid' };

/** What a token is worth now, without using it. Expired and unknown tokens read the same. */
export async function inspectToken(trx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<TokenState> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return { state: 'invalid' };
  const row = await trx
    .selectFrom('citizen_tokens')
    .select(['citizen_id', 'expires_at', 'used_at', 'browser_hash'])
    .where('id', '=', tokenId(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return { state: 'invalid' };
  if (row.used_at) return { state: 'used', citizenId: row.citizen_id };
  if (new Date(row.expires_at).getTime() <= now.getTime()) return { state: 'invalid' };
  return { state: 'valid', citizenId: row.citizen_id, browserHash: row.browser_hash };
}

/**
 * Uses a token: returns its citizen, or null when it is unknown, expired or already used. The
 * update's condition makes two concurrent uses impossible: only one of them changes the row.
 */
export async function consumeToken(trx: Tx, token: string, purpose: TokenPurpose, now: Date): Promise<string | null> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return null;
  const row = await trx
    .updateTable('citizen_tokens')
    .set({ used_at: now })
    .where('id', '=', tokenId(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('citizen_id')
    .executeTakeFirst();
  return row?.citizen_id ?? null;
}

/** Other links of the same kind stop working once one is used (e.g. after a reset). */
export async function voidTokens(trx: Tx, citizenId: string, purpose: TokenPurpose, now: Date): Promise<void> {
  await trx
    .updateTable('citizen_tokens')
    .set({ used_at: now })
    .where('citizen_id', '=', citizenId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
