import { isAdminOf, type Rules } from '../../platform/policy.ts';

/**
 * Who sets up the satisfaction survey. Answering needs no actor: the link's token (or the
 * tablet's secret) is the capability. The QR code of an item's survey is shown to whoever may
 * see the item (the request's own `view` rule, checked by the route).
 *
 * - Counter tablets in kiosk mode put a public page on a device in the hall: administrators.
 */
export const satisfactionRules: Rules<'manage_survey_kiosks'> = {
  manage_survey_kiosks: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
