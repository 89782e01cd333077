import { sql } from 'kysely';
import { createHash, randomBytes } from 'node:crypto';
import type { Services } from '../../services.ts';
import { withTenantConnection, type Db, type Tx } from '../../db/tenant-scope.ts';
import type { AgentRole, AgentSessionStage } from '../../db/schema.ts';
import { SESSION_TOUCH_INTERVAL_MS, type SessionFacts } from '../../platform/session-cache.ts';

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

/** A session and how far its login went: only 'full' sessions reach agent pages. */
export interface FoundSession {
  agent: SessionAgent;
  stage: AgentSessionStage;
  failedCodes: number;
}

/** 32 random bytes in base64url: 43 characters. Anything else is refused before any query. */
const TOKEN_FORMAT = /^[\w-]{43}$/;

/** Wrong codes a half-open session may send before it is closed and the password asked again. */
export const MAX_FAILED_CODES = 5;

/** Only the hash is stored: a leaked table does not give usable sessions. */
export function sessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Opens a new session (a fresh random token at every login, and again when a login moves from
 * one factor to the next) and returns the cookie value.
 */
export async function createSession(
  trx: Tx,
  tenantId: string,
  agentId: string,
  now: Date,
  stage: AgentSessionStage = 'full',
  idToken: string | null = null,
): Promise<string> {
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
      stage,
      id_token: idToken,
    })
    .execute();
  return token;
}

/** The ProConnect ID token a session was opened with, or null (password login, unknown session). */
export async function sessionIdToken(trx: Tx, token: string): Promise<string | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  const row = await trx
    .selectFrom('agent_sessions')
    .select('id_token')
    .where('id', '=', sessionIdFor(token))
    .executeTakeFirst();
  return row?.id_token ?? null;
}

export async function deleteSession(trx: Tx, token: string): Promise<void> {
  await trx.deleteFrom('agent_sessions').where('id', '=', sessionIdFor(token)).execute();
}

/** Closes every session of an agent (deactivation: the agent is out at once, on every device). */
export async function deleteAgentSessions(trx: Tx, agentId: string): Promise<void> {
  await trx.deleteFrom('agent_sessions').where('agent_id', '=', agentId).execute();
}

/** Counts a wrong second-factor code; the session is closed once there were too many. */
export async function recordFailedCode(trx: Tx, token: string): Promise<boolean> {
  const row = await trx
    .updateTable('agent_sessions')
    .set((eb) => ({ failed_codes: eb('failed_codes', '+', 1) }))
    .where('id', '=', sessionIdFor(token))
    .returning('failed_codes')
    .executeTakeFirst();
  if (row && row.failed_codes >= MAX_FAILED_CODES) {
    await deleteSession(trx, token);
    return false;
  }
  return row !== undefined;
}

/** The agent of a fully signed-in session, or null (see findSession). */
export async function findSessionAgent(trx: Tx, token: string, now: Date): Promise<SessionAgent | null> {
  const found = await findSession(trx, token, now);
  return found && found.stage === 'full' ? found.agent : null;
}

/**
 * The session of a cookie, at whatever stage, or null when the session is unknown (in this
 * tenant's scope), expired, idle for too long, or its agent was deactivated. A valid session is
 * kept alive. Always asks the database; requests go through checkAgentSession (cached).
 */
export async function findSession(trx: Tx, token: string, now: Date): Promise<FoundSession | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  return (await lookupSession(trx, sessionIdFor(token), now))?.value ?? null;
}

/**
 * The session of a request's cookie, from this process's session cache when it holds it (no
 * database round trip), else from the database in the tenant's scope. Revocations, deactivation,
 * a new password or new services reach the cache through the triggers of the session tables
 * (decision 8): callers need not tell it anything.
 */
export async function checkAgentSession(
  services: Pick<Services, 'db' | 'clock' | 'sessionCache'>,
  tenantId: string,
  token: string,
): Promise<FoundSession | null> {
  if (!TOKEN_FORMAT.test(token)) return null;
  const id = sessionIdFor(token);
  // On a miss, statements without a transaction: the lookup reads, and the delete (expired) or
  // activity write that may follow stands on its own.
  return services.sessionCache.check({
    kind: 'agent',
    tenantId,
    sessionId: id,
    now: services.clock.now(),
    load: () => withTenantConnection(services.db, tenantId, (conn) => lookupSession(conn, id, services.clock.now())),
    touch: (now) => withTenantConnection(services.db, tenantId, (conn) => touchSession(conn, id, now)),
  });
}

async function lookupSession(conn: Db, id: string, now: Date): Promise<SessionFacts<FoundSession> | null> {
  const row = await conn
    .selectFrom('agent_sessions as s')
    .innerJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.agent_id'))
    .select([
      's.agent_id',
      's.expires_at',
      's.last_seen_at',
      's.stage',
      's.failed_codes',
      'a.display_name',
      'a.email',
      'a.role',
      'a.active',
      // In the same statement: a session check is on every agent page, one round trip is its cost.
      sql<string[]>`array(select service_id::text from agent_services where agent_id = s.agent_id)`.as('service_ids'),
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = new Date(row.expires_at);
  let lastSeenAt = new Date(row.last_seen_at);
  const expired = expiresAt.getTime() <= now.getTime() || lastSeenAt.getTime() + SESSION_IDLE_MS <= now.getTime();
  if (expired || !row.active) {
    await conn.deleteFrom('agent_sessions').where('id', '=', id).execute();
    return null;
  }
  // Written at most once a minute: a write (and its commit flush) on every page was most of the
  // cost of a session check (bench/security.ts); the idle timeout needs no finer precision.
  if (now.getTime() - lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    await touchSession(conn, id, now);
    lastSeenAt = now;
  }
  return {
    value: {
      agent: {
        id: row.agent_id,
        name: row.display_name,
        email: row.email,
        role: row.role,
        serviceIds: row.service_ids,
      },
      stage: row.stage,
      failedCodes: row.failed_codes,
    },
    subjectId: row.agent_id,
    expiresAt,
    lastSeenAt,
    idleMs: SESSION_IDLE_MS,
  };
}

/** Records activity (never backwards: a later one may already be written by another process). */
async function touchSession(conn: Db, id: string, now: Date): Promise<void> {
  await conn
    .updateTable('agent_sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('last_seen_at', '<', now)
    .execute();
}
