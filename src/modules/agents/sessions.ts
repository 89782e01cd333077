import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../db/tenant-scope.ts';
import type { AgentRole } from '../../db/schema.ts';

export const AGENT_COOKIE = 'guichet_agent';
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

/** The signed-in agent, as routes and policies see it. */
export interface SessionAgent {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  serviceIds: string[];
}

/** Only the hash is stored: a leaked table does not give usable sessions. */
export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opens a new session (a fresh random token at every login) and returns the cookie value. */
export async function createSession(trx: Tx, tenantId: string, agentId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('agent_sessions')
    .values({
      tenant_id: tenantId,
      id: sessionIdFor(token),
      agent_id: agentId,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    })
    .execute();
  return token;
}

export async function deleteSession(trx: Tx, token: string): Promise<void> {
  await trx.deleteFrom('agent_sessions').where('id', '=', sessionIdFor(token)).execute();
}

/**
 * The agent of a session cookie, or null when the session is unknown (in this tenant's scope),
 * expired, idle for too long, or its agent was deactivated. A valid session is kept alive.
 */
export async function findSessionAgent(trx: Tx, token: string, now: Date): Promise<SessionAgent | null> {
  if (!/^[\w-]{43}$/.test(token)) return null;
  const id = sessionIdFor(token);
  const row = await trx
    .selectFrom('agent_sessions as s')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.agent_id'))
    .select(['s.agent_id', 's.expires_at', 's.last_seen_at', 'a.display_name', 'a.email', 'a.role', 'a.active'])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const expired =
    new Date(row.expires_at).getTime() <= now.getTime() ||
    new Date(row.last_seen_at).getTime() + SESSION_IDLE_MS <= now.getTime();
  if (expired || !row.active) {
    await trx.deleteFrom('agent_sessions').where('id', '=', id).execute();
    return null;
  }
  await trx.updateTable('agent_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  const services = await trx
    .selectFrom('agent_services')
    .select('service_id')
    .where('agent_id', '=', row.agent_id)
    .execute();
  return {
    id: row.agent_id,
    name: row.display_name,
    email: row.email,
    role: row.role,
    serviceIds: services.map((s) => s.service_id),
  };
}
