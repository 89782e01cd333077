import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who sets the tenant's calendar and reads how deadlines are kept.
 *
 * - The tenant's closing days change every deadline of the commune: administrators only.
 * - The report of breaches (items late, share answered in time): supervisors for their own
 *   services, administrators for all; plain agents see their own late items in the inbox.
 */
export const deadlineRules: Rules<'manage_closing_days' | 'view_deadline_report'> = {
  manage_closing_days: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
  view_deadline_report: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
};
