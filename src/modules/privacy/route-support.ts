import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import { pageContext } from '../../platform/web/request-context.ts';
import type { SessionAgent } from '../agents/sessions.ts';

/** What the privacy route files share: identifiers, the login redirect, download names. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thrown on citizen pages without a session: turned into a redirect to the citizen login. */
export class CitizenLoginRequired extends AppError {
  constructor(readonly retour: string) {
    super('unauthenticated', 'Connectez-vous pour accéder à cette page.');
  }
}

export function agentContext(request: FastifyRequest, agent: SessionAgent): PageContext {
  return { ...pageContext(request), agent: { name: agent.name } };
}

export function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}
