import { isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * The readability check of a text being written: any agent of the tenant, since every agent
 * writes to citizens. It reads nothing stored and changes nothing.
 */
export const readabilityRules: Rules<'check_readability'> = {
  check_readability: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
};
