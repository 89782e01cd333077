import { isAdminOf, isStaffOf, type Rules } from '../../platform/policy.ts';

/**
 * Who uses the assistant beyond the portal (where anyone may ask, within a rate limit).
 *
 * - Every agent of the tenant asks the workspace's assistant, which also reads the internal
 *   sheets.
 * - The administrators decide whether personal data may reach the configured language model.
 */
export const assistantRules: Rules<'use_agent_assistant' | 'manage_assistant_settings'> = {
  use_agent_assistant: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  manage_assistant_settings: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
