import type { FastifyRequest } from 'fastify';
import type { Services } from '../../app.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { AGENT_COOKIE, findSessionAgent, type SessionAgent } from './sessions.ts';

/** Thrown for an anonymous request; agent HTML routes turn it into a redirect to the login page. */
export class AgentLoginRequired extends AppError {
  constructor(readonly retour: string) {
    super('unauthenticated', 'Connectez-vous pour accéder à cette page.');
  }
}

const resolved = new WeakMap<FastifyRequest, SessionAgent | null>();

/**
 * The agent signed in on this request, or null. The session is looked up in the request's
 * tenant scope: a cookie issued by another tenant finds no row there.
 */
export async function currentAgent(request: FastifyRequest, services: Services): Promise<SessionAgent | null> {
  if (resolved.has(request)) return resolved.get(request) ?? null;
  const token = request.cookies[AGENT_COOKIE];
  let agent: SessionAgent | null = null;
  if (request.tenant && token) {
    agent = await inTenant(services.db, request.tenant.id, (trx) => findSessionAgent(trx, token, services.clock.now()));
  }
  resolved.set(request, agent);
  return agent;
}

/** The signed-in agent; throws AgentLoginRequired (401, or a redirect on agent pages) otherwise. */
export async function requireAgent(request: FastifyRequest, services: Services): Promise<SessionAgent> {
  const agent = await currentAgent(request, services);
  if (agent) return agent;
  // After login the agent comes back to the page asked for; a form sent without a session
  // cannot be replayed, so it leads back to the list.
  throw new AgentLoginRequired(request.method === 'GET' ? request.url : '/agent/demandes');
}

/** Only local agent paths are followed after login: never another site, never a citizen page. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string') return '/agent/demandes';
  return /^\/agent(?:[/?][^\s\\]*)?$/.test(value) && !value.includes('//') ? value : '/agent/demandes';
}
