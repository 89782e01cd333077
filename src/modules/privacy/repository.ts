import type { Tx } from '../../db/tenant-scope.ts';

/** The citizen's erasure request still waiting for an agent's decision, if any. */
export function findPendingErasure(trx: Tx, citizenId: string) {
  return trx
    .selectFrom('erasure_requests')
    .select('requested_at')
    .where('citizen_id', '=', citizenId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** The tenant's erasure requests, newest first (the agents' list filters them by policy). */
export function listErasureRequests(trx: Tx) {
  return trx
    .selectFrom('erasure_requests')
    .select(['id', 'citizen_name', 'grounds', 'status', 'requested_at', 'decided_at', 'decision_reason', 'service_ids'])
    .orderBy('requested_at', 'desc')
    .limit(500)
    .execute();
}

/** The data protection officer as saved, read from the tenant's row rather than a cache. */
export async function findStoredDpo(trx: Tx, tenantId: string) {
  const row = await trx.selectFrom('tenants').select('dpo').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return row.dpo ?? {};
}
