import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Config } from '../../config.ts';
import { withTenantConnection, type Db, type Tx } from '../../db/tenant-scope.ts';
import { SESSION_TOUCH_INTERVAL_MS, type SessionFacts } from '../../platform/session-cache.ts';

export const CITIZEN_COOKIE = 'guichet_citoyen';
/** A citizen session ends after 12 hours whatever happens, and after 1 hour without a page. */
export const CITIZEN_SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const CITIZEN_SESSION_IDLE_MS = 60 * 60 * 1000;

export type CitizenSessionMethod = 'password' | 'franceconnect';

export interface SessionCitizen {
  id: string;
  email: string | null;
  emailVerified: boolean;
  givenName: string | null;
  familyName: string | null;
  preferredUsername: string | null;
  birthdate: string | null;
  birthplace: string | null;
  birthcountry: string | null;
  gender: string | null;
  franceconnectSub: string | null;
  /** When FranceConnect last verified the identity claims above (the last FranceConnect login). */
  identityVerifiedAt: Date | null;
  preferences: Record<string, unknown>;
}

/** The signed-in citizen, as routes see it. */
export interface CitizenSession {
  id: string;
  citizenId: string;
  method: CitizenSessionMethod;
  idToken: string | null;
  createdAt: Date;
  citizen: SessionCitizen;
}

/** 32 random bytes in base64url: 43 characters. Anything else is rejected before any query. */
const TOKEN_FORMAT = /^[\w-]{43}$/;

/** Only the hash is stored: a leaked table does not give usable sessions. */
export function citizenSessionIdFor(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface OpenCitizenSessionInput {
  tenantId: string;
  citizenId: string;
  method: CitizenSessionMethod;
  idToken?: string | null;
  userAgent?: string;
  ip?: string;
  now: Date;
}

/** Opens a new session (a fresh random token at every login) and returns the cookie value. */
export async function openCitizenSession(trx: Tx, input: OpenCitizenSessionInput): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await trx
    .insertInto('citizen_sessions')
    .values({
      tenant_id: input.tenantId,
      id: citizenSessionIdFor(token),
      citizen_id: input.citizenId,
      method: input.method,
      id_token: input.idToken ?? null,
      // Bounded: these headers come from the client and are only shown back on the sessions page.
      user_agent: input.userAgent ? input.userAgent.slice(0, 512) : null,
      ip: input.ip ? input.ip.slice(0, 64) : null,
      created_at: input.now,
      last_seen_at: input.now,
      expires_at: new Date(input.now.getTime() + CITIZEN_SESSION_ABSOLUTE_MS),
    })
    .execute();
  await trx
    .updateTable('citizens')
    .set({ last_login_at: input.now })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.citizenId)
    .execute();
  return token;
}

/**
 * The session of a cookie value, or null when it is malformed, unknown in this tenant's scope,
 * past its absolute lifetime or idle for too long. A valid session is kept alive. Always asks the
 * database; requests go through currentCitizen (cached).
 */
export async function findCitizenSession(trx: Tx, token: string, now: Date): Promise<CitizenSession | null> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return null;
  return (await lookupCitizenSession(trx, citizenSessionIdFor(token), now))?.value ?? null;
}

/**
 * The session of a request's cookie, from this process's session cache when it holds it (no
 * database round trip), else from the database in the tenant's scope. Logout, revocation from
 * "Mes sessions", a password reset, erasure or any change to the citizen reach the cache through
 * the triggers of the tables (decision 8): callers need not tell it anything.
 */
export async function checkCitizenSession(
  services: Pick<Services, 'db' | 'clock' | 'sessionCache'>,
  tenantId: string,
  token: string,
): Promise<CitizenSession | null> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return null;
  const id = citizenSessionIdFor(token);
  // On a miss, statements without a transaction: the lookup reads, and the delete (expired) or
  // activity write that may follow stands on its own.
  return services.sessionCache.check({
    kind: 'citizen',
    tenantId,
    sessionId: id,
    now: services.clock.now(),
    load: () =>
      withTenantConnection(services.db, tenantId, (conn) => lookupCitizenSession(conn, id, services.clock.now())),
    touch: (now) => withTenantConnection(services.db, tenantId, (conn) => touchCitizenSession(conn, id, now)),
  });
}

async function lookupCitizenSession(conn: Db, id: string, now: Date): Promise<SessionFacts<CitizenSession> | null> {
  const row = await conn
    .selectFrom('citizen_sessions as s')
    .innerJoin('citizens as c', (j) => j.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.id', '=', 's.citizen_id'))
    .select([
      's.id as session_id',
      's.citizen_id',
      's.method',
      's.id_token',
      's.created_at',
      's.last_seen_at',
      's.expires_at',
      'c.email',
      'c.email_verified_at',
      'c.given_name',
      'c.family_name',
      'c.preferred_username',
      'c.birthdate',
      'c.birthplace',
      'c.birthcountry',
      'c.gender',
      'c.franceconnect_sub',
      'c.identity_verified_at',
      'c.preferences',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const expiresAt = new Date(row.expires_at);
  let lastSeenAt = new Date(row.last_seen_at);
  const expired =
    expiresAt.getTime() <= now.getTime() || lastSeenAt.getTime() + CITIZEN_SESSION_IDLE_MS <= now.getTime();
  if (expired) {
    await conn.deleteFrom('citizen_sessions').where('id', '=', id).execute();
    return null;
  }
  // Written at most once a minute: a write (and its commit flush) on every page was most of the
  // cost of a session check (bench/security.ts); the idle timeout needs no finer precision.
  if (now.getTime() - lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    await touchCitizenSession(conn, id, now);
    lastSeenAt = now;
  }
  return {
    value: {
      id: row.session_id,
      citizenId: row.citizen_id,
      method: row.method,
      idToken: row.id_token,
      createdAt: new Date(row.created_at),
      citizen: {
        id: row.citizen_id,
        email: row.email,
        emailVerified: row.email_verified_at !== null,
        givenName: row.given_name,
        familyName: row.family_name,
        preferredUsername: row.preferred_username,
        birthdate: dateOnly(row.birthdate),
        birthplace: row.birthplace,
        birthcountry: row.birthcountry,
        gender: row.gender,
        franceconnectSub: row.franceconnect_sub,
        identityVerifiedAt: row.identity_verified_at ? new Date(row.identity_verified_at) : null,
        preferences: (row.preferences ?? {}) as Record<string, unknown>,
      },
    },
    subjectId: row.citizen_id,
    expiresAt,
    lastSeenAt,
    idleMs: CITIZEN_SESSION_IDLE_MS,
  };
}

/** Records activity (never backwards: a later one may already be written by another process). */
async function touchCitizenSession(conn: Db, id: string, now: Date): Promise<void> {
  await conn
    .updateTable('citizen_sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('last_seen_at', '<', now)
    .execute();
}

/** Drivers hand a `date` column back as a Date or a string; callers want `YYYY-MM-DD`. */
function dateOnly(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const y = value.getFullYear();
    const m = String(value.getMonth() + 1).padStart(2, '0');
    const d = String(value.getDate()).padStart(2, '0');
    return `${y}-${m}-${d}`;
  }
  return String(value).slice(0, 10);
}

/**
 * Signs a citizen in on this browser, in the caller's transaction: the session of the cookie the
 * browser sent (if any) is deleted, so a session id planted before login is worth nothing, and a
 * new one is opened. The one way to sign in, whatever the method (password, FranceConnect).
 */
export async function replaceCitizenSession(
  trx: Tx,
  input: Parameters<typeof openCitizenSession>[1] & { previousToken?: string },
): Promise<string> {
  const { previousToken, ...session } = input;
  if (previousToken) await closeCitizenSession(trx, previousToken);
  return openCitizenSession(trx, session);
}

export async function closeCitizenSession(trx: Tx, token: string): Promise<void> {
  if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) return;
  await trx.deleteFrom('citizen_sessions').where('id', '=', citizenSessionIdFor(token)).execute();
}

const resolved = new WeakMap<FastifyRequest, CitizenSession | null>();

/**
 * The citizen signed in on this request, or null. Looked up in the request's tenant scope (a
 * cookie issued on another tenant's host finds no row there) through the process's session
 * cache (see checkCitizenSession). Kept for the rest of the request.
 */
export async function currentCitizen(request: FastifyRequest, services: Services): Promise<CitizenSession | null> {
  if (resolved.has(request)) return resolved.get(request) ?? null;
  const token = request.cookies[CITIZEN_COOKIE];
  let session: CitizenSession | null = null;
  if (request.tenant && token) session = await checkCitizenSession(services, request.tenant.id, token);
  resolved.set(request, session);
  request.signedInCitizen = signedInCitizenHeader(request);
  return session;
}

/** Forgets the cached lookup (after login, logout or a revocation within the same request). */
export function forgetCurrentCitizen(request: FastifyRequest): void {
  resolved.delete(request);
  request.signedInCitizen = null;
}

function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
}

export function setCitizenCookie(reply: FastifyReply, token: string, config: Pick<Config, 'env'>): void {
  reply.setCookie(CITIZEN_COOKIE, token, {
    ...cookieOptions(config.env === 'production'),
    maxAge: CITIZEN_SESSION_ABSOLUTE_MS / 1000,
  });
}

export function clearCitizenCookie(reply: FastifyReply): void {
  // Attributes other than name and path do not matter to browsers when clearing.
  reply.clearCookie(CITIZEN_COOKIE, cookieOptions(false));
}

/**
 * The name for the page header, from the session already looked up on this request (no query:
 * views are synchronous). Null when nobody is signed in or the session was not looked up.
 */
export function signedInCitizenHeader(request: FastifyRequest): { name: string } | null {
  const session = resolved.get(request);
  if (!session) return null;
  const c = session.citizen;
  const name = [c.givenName, c.preferredUsername || c.familyName].filter(Boolean).join(' ') || c.email || '';
  return { name };
}
