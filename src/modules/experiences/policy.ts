import { coversService, isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who reads, moderates and answers citizens' experiences, and who commits to improvement actions.
 *
 * - Every agent of the tenant reads the list (what citizens say of the commune is no secret
 *   among its staff; the original text, before masking, is shown to moderators only).
 * - An experience about a service is moderated and answered by that service's agents, its
 *   supervisors and the administrators: they know the facts and sign the answer. One about no
 *   particular service: supervisors and administrators.
 * - Improvement actions commit the commune publicly: supervisors and administrators.
 */
export const experienceRules: Rules<'list_experiences' | 'moderate_experience' | 'manage_improvement_actions'> = {
  list_experiences: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  moderate_experience: (actor, scope) =>
    isStaffOf(actor, scope.tenantId) &&
    (scope.serviceId === null ? actor.role !== 'agent' : coversService(actor, scope.serviceId)),
  manage_improvement_actions: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
};
