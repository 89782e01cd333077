import type { Tx } from '../../db/tenant-scope.ts';

/** Requires (or not) a second factor of every agent of the tenant at their next login. */
export async function setRequireAgent2fa(trx: Tx, tenantId: string, value: boolean): Promise<void> {
  await trx.updateTable('tenants').set({ require_agent_2fa: value }).where('id', '=', tenantId).execute();
}
