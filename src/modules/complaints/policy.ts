import { coversService, isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who records, handles and oversees complaints (réclamations).
 *
 * - Any agent records a complaint (a call, a visit, a letter, a request that turns sour) for any
 *   service: the person must not be sent from door to door.
 * - A complaint is handled (acknowledged, escalated, decided) by the agents of its service, its
 *   supervisors and the administrators, at every level: escalation to the direction or the
 *   médiateur changes who signs and the deadline, and is recorded, not who may see it.
 * - The statistics (rates per service, causes, deadlines kept): supervisors and administrators.
 * - The announced answer time is a commitment of the commune: administrators.
 */
export const complaintRules: Rules<
  | 'list_complaints'
  | 'create_complaint'
  | 'handle_complaint'
  | 'view_complaint_statistics'
  | 'manage_complaint_settings'
> = {
  list_complaints: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  create_complaint: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  handle_complaint: (actor, scope) =>
    isStaffOf(actor, scope.tenantId) && scope.serviceId !== null && coversService(actor, scope.serviceId),
  view_complaint_statistics: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
  manage_complaint_settings: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
