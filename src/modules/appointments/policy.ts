import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who handles appointments on the agents' side. Every agent of the tenant answers the phone and
 * the counter, whatever their service: any of them sees the day's appointments, books one for a
 * caller, and cancels or moves one (the citizen is told by mail). Citizens act on their own
 * appointment through its single-use link, which is the authorisation (no account needed).
 */
export const appointmentRules: Rules<
  'view_appointments' | 'book_appointment_for_caller' | 'change_appointment' | 'manage_appointment_settings'
> = {
  view_appointments: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  book_appointment_for_caller: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  change_appointment: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  /** Sites, opening hours, closures and motifs shape what the whole mairie offers: administrators. */
  manage_appointment_settings: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
