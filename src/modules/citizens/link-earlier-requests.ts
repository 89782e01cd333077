import type { Tx } from '../../db/tenant-scope.ts';

/**
 * Attaches to the citizen the requests filed with their address before they had an account (or
 * while signed out). Only a verified address counts: otherwise anyone could claim the requests
 * of an address by registering it. Returns how many were attached.
 */
export async function linkEarlierRequests(trx: Tx, citizenId: string): Promise<number> {
  const citizen = await trx
    .selectFrom('citizens')
    .select(['email', 'email_verified_at'])
    .where('id', '=', citizenId)
    .executeTakeFirst();
  if (!citizen?.email || !citizen.email_verified_at) return 0;
  const result = await trx
    .updateTable('requests')
    .set({ citizen_id: citizenId })
    .where('citizen_id', 'is', null)
    .where('applicant_email', '=', citizen.email)
    .where('anonymised_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}
