import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { addWorkingDays } from '../requests/working-days.ts';
import { listRequests, listServices, type InboxView } from './repository.ts';

/** "Due soon": within this many working days (the item is shown in the « À échéance » view). */
export const DUE_SOON_WORKING_DAYS = 2;

/**
 * One page of an inbox view of the requests an agent may see, with the count of every view and
 * the services offered as filters. A service outside the agent's own is ignored rather than trusted.
 */
export async function listAgentRequests(
  trx: Tx,
  input: {
    scopeIds: string[] | null;
    agentId: string;
    view: InboxView;
    status: RequestStatus | null;
    serviceParam: string;
    sort: 'echeance' | 'activite';
    now: Date;
    /** The tenant's département, for its public holidays (Alsace-Moselle, overseas). */
    departement: string | null;
    /**
     * The tenant's calendar (requests/tenant-calendar.ts): its closing days, and its warning days
     * as the « à échéance » horizon. Without it, public holidays and DUE_SOON_WORKING_DAYS.
     */
    calendar?: { extraHolidays: string[]; warningDays: number };
    page: number;
    pageSize?: number;
  },
) {
  const visibleServices = await listServices(trx, input.scopeIds);
  const serviceId = visibleServices.some((s) => s.id === input.serviceParam) ? input.serviceParam : null;
  const found = await listRequests(trx, {
    serviceIds: input.scopeIds,
    agentId: input.agentId,
    view: input.view,
    status: input.status,
    serviceId,
    sort: input.sort,
    soonUntil: addWorkingDays(input.now, input.calendar?.warningDays ?? DUE_SOON_WORKING_DAYS, {
      departement: input.departement,
      extraHolidays: input.calendar?.extraHolidays,
    }),
    page: input.page,
    pageSize: input.pageSize,
  });
  return { ...found, services: visibleServices, serviceId };
}
