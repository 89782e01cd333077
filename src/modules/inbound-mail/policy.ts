import { isAdminOf, type Rules } from '../../platform/policy.ts';

/**
 * Who may set how inbound mail reaches the tenant.
 *
 * - Only the tenant's administrators set its IMAP mailbox: its password opens the mairie's mail,
 *   and a wrong folder could move citizens' messages out of the agents' sight.
 */
export const inboundMailRules: Rules<'manage_mailbox'> = {
  manage_mailbox: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
};
