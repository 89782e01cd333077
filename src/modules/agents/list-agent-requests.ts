import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { listRequests, listServices } from './repository.ts';

/**
 * One page of the requests an agent may see, with the services offered as filters. A service
 * outside the agent's own is ignored rather than trusted.
 */
export async function listAgentRequests(
  trx: Tx,
  input: { scopeIds: string[] | null; status: RequestStatus | null; serviceParam: string; page: number },
) {
  const visibleServices = await listServices(trx, input.scopeIds);
  const serviceId = visibleServices.some((s) => s.id === input.serviceParam) ? input.serviceParam : null;
  const { items, total } = await listRequests(trx, {
    serviceIds: input.scopeIds,
    status: input.status,
    serviceId,
    page: input.page,
  });
  return { items, total, services: visibleServices, serviceId };
}
