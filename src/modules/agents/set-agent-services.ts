import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/** Replaces the services an agent works for (ids outside the tenant are ignored). */
export async function setAgentServices(trx: Tx, tenantId: string, agentId: string, serviceIds: string[]) {
  const agent = await trx.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw new AppError('not_found', "Cet agent n'existe pas.");
  const services = await trx.selectFrom('services').select('id').execute();
  const kept = [...new Set(serviceIds)].filter((id) => services.some((s) => s.id === id));
  await trx.deleteFrom('agent_services').where('agent_id', '=', agentId).execute();
  if (kept.length > 0) {
    await trx
      .insertInto('agent_services')
      .values(kept.map((id) => ({ tenant_id: tenantId, agent_id: agentId, service_id: id })))
      .execute();
  }
}
