import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who writes the words agents send to citizens.
 *
 * - Administrators manage every reply template (those of one service and those for all
 *   services) and every service's signature.
 * - A supervisor (lead of a service) manages the templates and the signature of their own
 *   services only: a template for all services speaks for the whole mairie, an admin's call.
 * - Agents use the templates on a request's page (what they may see there is the request's
 *   rule, `reply`); they do not edit them.
 */
export const replyRules: Rules<'open_reply_templates' | 'manage_reply_templates'> = {
  open_reply_templates: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
  manage_reply_templates: (actor, scope) => {
    if (isAdminOf(actor, scope.tenantId)) return true;
    if (!isStaffOf(actor, scope.tenantId) || actor.role !== 'supervisor') return false;
    return scope.serviceId !== null && actor.serviceIds.includes(scope.serviceId);
  },
};
