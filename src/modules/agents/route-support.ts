import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AgentSessionStage } from '../../db/schema.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import { pageContext } from '../../platform/web/request-context.ts';
import { ENROLMENT_PATH, SECOND_FACTOR_PATH } from './require-agent.ts';
import { AGENT_COOKIE, SESSION_ABSOLUTE_MS, type SessionAgent } from './sessions.ts';

/** What the agents' route files share: page context, identifiers, the session cookie. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function agentContext(request: FastifyRequest, agent: SessionAgent | null): PageContext {
  return { ...pageContext(request), agent: agent ? { name: agent.name } : null };
}

/** Where a session at this stage goes next. */
export function pathForStage(stage: AgentSessionStage, retour: string): string {
  if (stage === 'second_factor') return `${SECOND_FACTOR_PATH}?retour=${encodeURIComponent(retour)}`;
  if (stage === 'enrolment') return ENROLMENT_PATH;
  return retour;
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(AGENT_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}
