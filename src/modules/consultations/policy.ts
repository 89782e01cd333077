import { isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who builds consultations and reads their results.
 *
 * - Administrators, for the whole mairie.
 * - Supervisors (responsables de service): a consultation is usually about a service's own
 *   matter (opening hours, the canteen, a street's works), and they are the ones who answer for
 *   it; they manage every consultation of the tenant, as no consultation belongs to one service.
 * - Plain agents neither: a consultation speaks for the mairie, and its answers may carry names.
 * Answering needs no actor: public consultations are open to anyone, the others to whoever holds
 * an invitation token (the token is the capability, checked by the use case).
 */
export const consultationRules: Rules<'manage_consultations'> = {
  manage_consultations: (actor, tenant) =>
    isStaffOf(actor, tenant.tenantId) && (actor.role === 'admin' || actor.role === 'supervisor'),
};
