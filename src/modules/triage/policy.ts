import { isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Triage suggests where a message goes and how to answer it. Any agent of the tenant may ask
 * (an agent at the reception sorts messages for every service); nobody else: the suggestions
 * speak of internal articles and the services' organisation. Suggestions never act by
 * themselves: transfers and replies stay the request's rules.
 */
export const triageRules: Rules<'use_triage'> = {
  use_triage: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
};
