import type { Tx } from '../../db/tenant-scope.ts';

/** At most this many of a service's agents are mailed about one item when nobody has it in hand. */
export const MAX_SERVICE_RECIPIENTS = 20;

/**
 * Who hears about an item: the agent who has it in hand, or, when nobody has it yet, the active
 * agents of its service (who have set a password). One rule for every notification to agents.
 */
export async function agentsToNotify(
  trx: Tx,
  item: { serviceId: string; assignee: { email: string; name: string } | null },
): Promise<{ email: string; display_name: string }[]> {
  if (item.assignee) return [{ email: item.assignee.email, display_name: item.assignee.name }];
  return trx
    .selectFrom('agents as a')
    .innerJoin('agent_services as x', (j) =>
      j.onRef('x.tenant_id', '=', 'a.tenant_id').onRef('x.agent_id', '=', 'a.id'),
    )
    .select(['a.email', 'a.display_name'])
    .where('x.service_id', '=', item.serviceId)
    .where('a.active', '=', true)
    .where('a.password_hash', '<>', '')
    .orderBy('a.display_name')
    .limit(MAX_SERVICE_RECIPIENTS)
    .execute();
}

/**
 * Who hears of an escalation: the active supervisors of the item's service (who have set a
 * password); a service without one escalates to the tenant's administrators.
 */
export async function supervisorsToNotify(
  trx: Tx,
  serviceId: string,
): Promise<{ email: string; display_name: string }[]> {
  const supervisors = await trx
    .selectFrom('agents as a')
    .innerJoin('agent_services as x', (j) =>
      j.onRef('x.tenant_id', '=', 'a.tenant_id').onRef('x.agent_id', '=', 'a.id'),
    )
    .select(['a.email', 'a.display_name'])
    .where('x.service_id', '=', serviceId)
    .where('a.role', '=', 'supervisor')
    .where('a.active', '=', true)
    .where('a.password_hash', '<>', '')
    .orderBy('a.display_name')
    .limit(MAX_SERVICE_RECIPIENTS)
    .execute();
  if (supervisors.length > 0) return supervisors;
  return trx
    .selectFrom('agents')
    .select(['email', 'display_name'])
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .where('password_hash', '<>', '')
    .orderBy('display_name')
    .limit(MAX_SERVICE_RECIPIENTS)
    .execute();
}
