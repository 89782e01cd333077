import type { Tx } from '../../db/tenant-scope.ts';
import { verifyAgainstDummy, verifyPassword } from '../agents/password.ts';

export type CitizenAuthResult =
  { outcome: 'ok'; citizenId: string; email: string } | { outcome: 'unverified' } | { outcome: 'failed' };

/**
 * Checks a citizen's email and password in the current tenant scope. An unknown address, an
 * account without password (FranceConnect only) and a wrong password all cost one argon2id
 * verification and give the same answer. "Unverified" is only said to whoever typed the right
 * password, so it reveals nothing to others.
 */
export async function authenticateCitizen(trx: Tx, email: string | null, password: string): Promise<CitizenAuthResult> {
  const citizen = email
    ? await trx
        .selectFrom('citizens')
        .select(['id', 'email', 'password_hash', 'email_verified_at'])
        .where('email', '=', email)
        .executeTakeFirst()
    : undefined;
  if (!citizen || !citizen.password_hash || !citizen.email) {
    await verifyAgainstDummy(password);
    return { outcome: 'failed' };
  }
  if (!(await verifyPassword(citizen.password_hash, password))) return { outcome: 'failed' };
  if (!citizen.email_verified_at) return { outcome: 'unverified' };
  return { outcome: 'ok', citizenId: citizen.id, email: citizen.email };
}
