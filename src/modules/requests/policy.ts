import {
  coversService,
  isAccountOwner,
  isStaffOf,
  type Actor,
  type RequestResource,
  type Rules,
} from '../../platform/policy.ts';

export type RequestAction =
  | 'view'
  | 'change_status'
  | 'add_note'
  | 'download_document'
  | 'reply'
  | 'take'
  | 'assign'
  | 'transfer'
  | 'escalate'
  | 'change_person';

/** An agent works on the requests of the services it belongs to; an admin on all of them. */
function staffOnItsServices(actor: Actor, request: RequestResource): boolean {
  return isStaffOf(actor, request.tenantId) && coversService(actor, request.serviceId);
}

/**
 * Who may do what on a citizen request.
 *
 * - Agents, supervisors and admins of the request's tenant, when the request belongs to one of
 *   their services (admins: any service), view it, download its documents, change its status,
 *   answer the citizen, add internal notes and take it in hand. A supervisor of the service (or an
 *   admin) also gives it to another agent of the service.
 * - The citizen who owns it (filed signed in, or linked later by a verified address) sees it in
 *   their space.
 * - Nobody else: not another tenant's staff, not another citizen, not the platform operator.
 *   Anonymous tracking by reference and code is a capability checked by the use case itself.
 */
export const requestRules: Rules<RequestAction | 'view_as_citizen' | 'list_requests' | 'record_contact'> = {
  view: staffOnItsServices,
  download_document: staffOnItsServices,
  change_status: staffOnItsServices,
  add_note: staffOnItsServices,
  reply: staffOnItsServices,
  // Any agent of the service takes an item in hand (or puts it back in the queue)...
  take: staffOnItsServices,
  // ...a supervisor of the service or an administrator gives it to someone else.
  assign: (actor, request) =>
    staffOnItsServices(actor, request) &&
    actor.kind === 'agent' &&
    (actor.role === 'supervisor' || actor.role === 'admin'),
  // An agent of the service sends an item that is not its service's to the right one.
  transfer: staffOnItsServices,
  // An agent of the service raises an item to the service's supervisors (who may as well).
  escalate: staffOnItsServices,
  // An agent of the service moves an item attached to the wrong person to another record.
  change_person: staffOnItsServices,
  view_as_citizen: (actor, request) =>
    request.citizenId !== null && isAccountOwner(actor, request.tenantId, request.citizenId),
  // Any agent of the tenant has a request list; what it lists is `requestScope`.
  list_requests: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  // Any agent takes calls and visits, notes them for one of their services, and files a démarche
  // for the person with their consent (file-request-on-behalf.ts).
  record_contact: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
};

/** The services whose requests a list shows this agent: null means every service (admins). */
export function requestScope(actor: Extract<Actor, { kind: 'agent' }>): string[] | null {
  return actor.role === 'admin' ? null : actor.serviceIds;
}

/** The resource `can()` needs, from a request row. */
export function requestResource(
  tenantId: string,
  row: { service_id: string; citizen_id?: string | null },
): RequestResource {
  return { kind: 'request', tenantId, serviceId: row.service_id, citizenId: row.citizen_id ?? null };
}
