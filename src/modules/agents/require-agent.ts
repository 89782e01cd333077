import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { AppError } from '../../platform/errors.ts';
import { can } from '../authorization.ts';
import { agentActor } from './policy.ts';
import { AGENT_COOKIE, checkAgentSession, type FoundSession, type SessionAgent } from './sessions.ts';
import { headerSafePath } from '../../platform/web/return-path.ts';

/** Thrown for an anonymous request; agent HTML routes turn it into a redirect to the login page. */
export class AgentLoginRequired extends AppError {
  constructor(readonly retour: string) {
    super('unauthenticated', 'Connectez-vous pour accéder à cette page.');
  }
}

/**
 * Thrown when the login is half done (password checked, second factor not yet): agent HTML
 * routes send the agent to the step left (`path`) and nowhere else.
 */
export class AgentLoginStepRequired extends AppError {
  constructor(readonly path: string) {
    super('unauthenticated', 'Terminez votre connexion pour accéder à cette page.');
  }
}

export const SECOND_FACTOR_PATH = '/agent/connexion/code';
export const ENROLMENT_PATH = '/agent/double-authentification';

const resolved = new WeakMap<FastifyRequest, FoundSession | null>();

/**
 * The session of this request at whatever stage, or null. The session is looked up in the
 * request's tenant scope (a cookie issued by another tenant finds no row there), through the
 * process's session cache (see checkAgentSession).
 */
export async function currentSession(request: FastifyRequest, services: Services): Promise<FoundSession | null> {
  if (resolved.has(request)) return resolved.get(request) ?? null;
  const token = request.cookies[AGENT_COOKIE];
  let session: FoundSession | null = null;
  if (request.tenant && token) {
    session = await checkAgentSession(services, request.tenant.id, token);
  }
  resolved.set(request, session);
  return session;
}

/** Forgets what was resolved for this request (after its session changed stage or ended). */
export function forgetSession(request: FastifyRequest): void {
  resolved.delete(request);
}

/** The agent fully signed in on this request (both factors when required), or null. */
export async function currentAgent(request: FastifyRequest, services: Services): Promise<SessionAgent | null> {
  const session = await currentSession(request, services);
  return session && session.stage === 'full' ? session.agent : null;
}

/** The signed-in agent; throws AgentLoginRequired (401, or a redirect on agent pages) otherwise. */
export async function requireAgent(request: FastifyRequest, services: Services): Promise<SessionAgent> {
  const session = await currentSession(request, services);
  if (session?.stage === 'full') return session.agent;
  // A half-open session gives access to nothing but the step it is at.
  if (session?.stage === 'second_factor') throw new AgentLoginStepRequired(SECOND_FACTOR_PATH);
  if (session?.stage === 'enrolment') throw new AgentLoginStepRequired(ENROLMENT_PATH);
  // After login the agent comes back to the page asked for; a form sent without a session
  // cannot be replayed, so it leads back to the list.
  throw new AgentLoginRequired(request.method === 'GET' ? request.url : '/agent/demandes');
}

/** A tenant administrator, fully signed in; others get a "forbidden" page. */
export async function requireAdmin(request: FastifyRequest, services: Services): Promise<SessionAgent> {
  const agent = await requireAgent(request, services);
  const tenantId = request.tenant?.id ?? '';
  if (!can(agentActor(tenantId, agent), 'manage_agents', { kind: 'tenant', tenantId })) {
    throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
  }
  return agent;
}

/**
 * Only local agent paths are followed after login: never another site, never a citizen page.
 * Percent-encoded to ASCII, and checked before any session opens, so the redirect can be sent.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 500) return '/agent/demandes';
  if (!/^\/agent(?:[/?][^\s\\]*)?$/.test(value) || value.includes('//')) return '/agent/demandes';
  return headerSafePath(value) ?? '/agent/demandes';
}
