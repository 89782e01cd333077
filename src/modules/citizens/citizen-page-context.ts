import type { FastifyRequest } from 'fastify';
import { pageContext } from '../../platform/web/request-context.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import type { CitizenSession } from './sessions.ts';
import { displayName } from './views/space-pages.ts';

/** The page context with the signed-in citizen, for the header's "Mon espace" link. */
export function citizenContext(request: FastifyRequest, session: CitizenSession | null): PageContext {
  return { ...pageContext(request), citizen: session ? { name: displayName(session.citizen) } : null };
}
