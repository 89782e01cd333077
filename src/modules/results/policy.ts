import { coversService, isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who reads the results behind the published figures, and who notes the calls nobody answered.
 *
 * - The dashboard and its drill-down list items (references, assignees, comments): supervisors
 *   for their own services, administrators for all; a scope of all services (serviceId null) is
 *   the administrators' only.
 * - Missed calls come from the telephone system or the answering machine: any agent of the
 *   service (reception staff note them), administrators for any service or none.
 */
export const resultsRules: Rules<'view_results_dashboard' | 'record_missed_calls'> = {
  view_results_dashboard: (actor, scope) =>
    isAdminOf(actor, scope.tenantId) ||
    (isStaffOf(actor, scope.tenantId) &&
      actor.role === 'supervisor' &&
      scope.serviceId !== null &&
      coversService(actor, scope.serviceId)),
  record_missed_calls: (actor, scope) =>
    isAdminOf(actor, scope.tenantId) ||
    (isStaffOf(actor, scope.tenantId) && scope.serviceId !== null && coversService(actor, scope.serviceId)),
};
