import { isAdminOf, isStaffOf, type AgentActor, type AgentAccountResource, type Rules } from '../../platform/policy.ts';
import type { SessionAgent } from './sessions.ts';

/** The actor of a fully signed-in agent session. */
export function agentActor(tenantId: string, agent: Pick<SessionAgent, 'id' | 'role' | 'serviceIds'>): AgentActor {
  return { kind: 'agent', tenantId, agentId: agent.id, role: agent.role, serviceIds: agent.serviceIds };
}

/**
 * Who may manage and supervise agent accounts.
 *
 * - Only the tenant's administrators manage accounts: invite, deactivate, reactivate, change
 *   services, require a second factor.
 * - A supervisor (lead of a service) supervises the work of the agents who share one of its
 *   services; an admin supervises everyone in the tenant. Plain agents supervise nobody.
 */
export const agentRules: Rules<'manage_agents' | 'supervise_agent'> = {
  manage_agents: (actor, tenant) => isAdminOf(actor, tenant.tenantId),
  supervise_agent: (actor, account: AgentAccountResource) => {
    if (isAdminOf(actor, account.tenantId)) return true;
    if (!isStaffOf(actor, account.tenantId) || actor.role !== 'supervisor') return false;
    return account.serviceIds.some((s) => actor.serviceIds.includes(s));
  },
};
