import type { SessionAgent } from './sessions.ts';

export type RequestAction = 'view' | 'change_status' | 'add_note';

/**
 * Who may do what on a citizen request. Agents and supervisors work on the requests of their
 * services; admins on every request of their tenant (the tenant scope itself is enforced by
 * the database). Every action follows the same rule today; they are named so that routes say
 * what they need and a finer rule can come later without touching them.
 */
export function can(
  agent: Pick<SessionAgent, 'role' | 'serviceIds'>,
  _action: RequestAction,
  request: { service_id: string },
): boolean {
  if (agent.role === 'admin') return true;
  return agent.serviceIds.includes(request.service_id);
}
