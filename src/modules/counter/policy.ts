import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who works at the counter and who reads its figures.
 *
 * - The day at the counter (check-in, walk-in tickets, « appeler le suivant »): every agent of
 *   the tenant. The reception desk serves every démarche, whatever the agent's services; what it
 *   shows of a person is what the appointment or the walk-in gave (a name, a time).
 * - The figures (waiting times, no-shows, slots offered and booked): supervisors and
 *   administrators. They are counts and durations, no one's personal data.
 */
export const counterRules: Rules<'work_at_counter' | 'view_counter_figures'> = {
  work_at_counter: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  view_counter_figures: (actor, tenant) =>
    isAdminOf(actor, tenant.tenantId) || (isStaffOf(actor, tenant.tenantId) && actor.role === 'supervisor'),
};
