import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { AppError } from '../../platform/errors.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { can } from '../authorization.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { commonErrorResponses, errorBodySchema, validationErrorResponse } from '../api/schemas.ts';
import { rejectInvalid } from '../api/validation.ts';
import { TRIAGE_CHANNELS } from './model.ts';
import { triageMessage } from './triage-message.ts';

/** Longest message triaged: a long mail thread's first part says what it is about. */
export const TRIAGE_MAX_LENGTH = 20_000;

// Control characters other than tab and line breaks: a binary file sent as text.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;

export const triageBodySchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(TRIAGE_MAX_LENGTH)
      .refine((t) => !BINARY.test(t), { message: 'binary' })
      .describe(`Le message reçu, en texte (${TRIAGE_MAX_LENGTH} caractères au plus).`),
    channel: z.enum(TRIAGE_CHANNELS).describe('Par où le message est arrivé.'),
  })
  .strict();

export const triageResultSchema = z
  .object({
    service: z.string().nullable().describe('Code du service suggéré (par exemple « etat-civil »).'),
    is_complaint: z.boolean().describe('Vrai si le message ressemble à une réclamation ou conteste une décision.'),
    urgency: z.enum(['normale', 'urgente']).describe('« urgente » : danger, sécurité, décès, échéance très proche.'),
    articles: z.array(z.string()).describe('Les articles utiles, du plus pertinent au moins pertinent (leurs slugs).'),
  })
  .describe('Des suggestions pour l’agent. Rien n’est envoyé à l’usager ni changé dans les demandes.');

/** POST /api/v1/triage: agents only (their session), no side effect. */
export function registerTriageRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    `${API_PREFIX}/triage`,
    {
      attachValidation: true,
      schema: {
        operationId: 'triageMessage',
        summary: 'Trier un message reçu',
        description: [
          'Suggère le service qui doit traiter un message, dit s’il ressemble à une réclamation et s’il est urgent, et donne les articles utiles.',
          'Réservé aux agents connectés (cookie de session agent) ; envoyez le corps en JSON.',
          'Ce ne sont que des suggestions : rien n’est envoyé à l’usager.',
        ].join(' '),
        tags: ['Agents'],
        body: triageBodySchema,
        response: {
          200: triageResultSchema,
          400: validationErrorResponse,
          401: errorBodySchema.describe('Pas de session agent (code « unauthenticated »).'),
          403: errorBodySchema.describe('Réservé aux agents de la collectivité (code « forbidden »).'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const tenant = requireTenant(request);
      const agent = await requireAgent(request, services);
      if (!can(agentActor(tenant.id, agent), 'use_triage', { kind: 'tenant', tenantId: tenant.id })) {
        throw new AppError('forbidden', 'Le tri des messages est réservé aux agents de la collectivité.');
      }
      // JSON only: a form posted from another site cannot send it without the browser asking first.
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new AppError('invalid_input', 'Envoyez le message en JSON (Content-Type: application/json).');
      }
      rejectInvalid(request);
      const result = await triageMessage(services, tenant.id, request.body);
      return {
        service: result.service,
        is_complaint: result.isComplaint,
        urgency: result.urgency,
        articles: result.articles.map((a) => a.slug),
      };
    },
  );
}
