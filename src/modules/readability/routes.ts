import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { AppError } from '../../platform/errors.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { analyseReadability } from '../../platform/plain-language/readability.ts';
import {
  READABILITY_ENDPOINT,
  readabilityAnnouncement,
  readabilityPanelContent,
} from '../../platform/plain-language/readability-hint.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';

/** The longest text checked: a long article; a reply is at most 10,000 characters. */
export const READABILITY_TEXT_MAX = 50_000;

/**
 * POST /agent/lisibilite: the readability panel of a text being typed, for the live panel of
 * assets/readability.js. JSON or a form in (`_csrf`, `texte`), JSON out (`html`: the panel's
 * content, escaped; `announcement`: one sentence for the polite live region). Registered inside
 * the agents' scope (login redirect, no-store).
 */
export function registerReadabilityRoutes(scope: FastifyInstance, services: Services): void {
  scope.post(READABILITY_ENDPOINT, { bodyLimit: 4 * READABILITY_TEXT_MAX }, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'check_readability', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Réservé aux agents de la collectivité.');
    const raw = readFormBody(request).fields.texte;
    if (typeof raw !== 'string')
      throw new AppError('invalid_input', 'Envoyez le texte à relire dans le champ « texte ».');
    if (raw.length > READABILITY_TEXT_MAX)
      throw new AppError('payload_too_large', 'Le texte est trop long pour être relu ici.');
    const report = analyseReadability(raw);
    return reply.type('application/json; charset=utf-8').send({
      html: readabilityPanelContent(raw, report).toString(),
      announcement: readabilityAnnouncement(report),
      level: report.level,
      score: report.score,
    });
  });
}
