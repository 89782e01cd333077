import { isAdminOf, isStaffOf, type AgentAccountResource, type Rules } from '../../platform/policy.ts';

/**
 * Who sets where new items go and who is away.
 *
 * - Routing rules and each service's round-robin are the administrators': they decide for every
 *   service of the mairie.
 * - Every agent opens the absences page and declares their own absences; a supervisor declares
 *   those of the agents who share one of their services; an administrator those of everyone.
 */
export const routingRules: Rules<'manage_routing' | 'open_absences' | 'manage_absences'> = {
  manage_routing: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
  open_absences: (actor, tenant) => isStaffOf(actor, tenant.tenantId),
  manage_absences: (actor, account: AgentAccountResource) => {
    if (isAdminOf(actor, account.tenantId)) return true;
    if (!isStaffOf(actor, account.tenantId)) return false;
    if (actor.agentId === account.agentId) return true;
    return actor.role === 'supervisor' && account.serviceIds.some((s) => actor.serviceIds.includes(s));
  },
};
