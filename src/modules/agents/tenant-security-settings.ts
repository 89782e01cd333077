import type { Tx } from '../../db/tenant-scope.ts';

/** The tenant's agent security settings: second factor required, ProConnect establishments. */
export async function tenantSecuritySettings(trx: Tx) {
  return trx
    .selectFrom('tenants')
    .select(['require_agent_2fa', 'proconnect_sirets', 'proconnect_domains'])
    .executeTakeFirstOrThrow();
}
