import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { commonErrorResponses, errorBodySchema, validationErrorResponse } from '../api/schemas.ts';
import { rejectInvalid } from '../api/validation.ts';
import { isoWithOffset } from '../appointments/local-time.ts';
import { can } from '../authorization.ts';
import { checkInAppointment } from './check-in-appointment.ts';

const referenceParams = z.object({
  reference: z
    .string()
    .regex(/^RDV-[0-9A-Za-z]{6}$/)
    .describe('La référence du rendez-vous, par exemple RDV-4F7K2X.'),
});

const checkInBody = z
  .object({
    site_id: z
      .uuid()
      .optional()
      .describe('Le lieu où la personne se présente : un rendez-vous d’un autre lieu est refusé.'),
  })
  .strict();

const checkInResult = z
  .object({
    reference: z.string(),
    ticket: z
      .string()
      .describe('Le numéro de ticket, par exemple « R004 » : il s’affichera sur l’écran de la salle d’attente.'),
    site_id: z.string(),
    start: z.string().describe('L’heure du rendez-vous (ISO 8601 avec le décalage horaire).'),
    late_minutes: z.number().int().describe('Minutes de retard à l’arrivée (0 à l’heure ou en avance).'),
  })
  .describe('L’arrivée est enregistrée ; la personne attend d’être appelée.');

/**
 * POST /api/v1/rendez-vous/{reference}/arrivee: a kiosk or the reception desk checks a booked
 * citizen in (issue 11, part 6). A kiosk is a browser signed in with an agent account: the
 * agent's session cookie, and JSON only, as for the other agents' endpoints.
 */
export function registerCounterApiRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    `${API_PREFIX}/rendez-vous/:reference/arrivee`,
    {
      attachValidation: true,
      schema: {
        operationId: 'checkInAppointment',
        summary: 'Enregistrer l’arrivée à un rendez-vous',
        description: [
          'Enregistre l’arrivée d’une personne qui a rendez-vous aujourd’hui et lui donne un ticket de la file des rendez-vous.',
          'Réservé aux agents connectés (cookie de session agent : accueil ou borne) ; envoyez le corps en JSON.',
          'Erreurs : appointment_not_found, already_checked_in, appointment_not_booked, appointment_not_today, appointment_other_site.',
        ].join(' '),
        tags: ['Rendez-vous'],
        params: referenceParams,
        body: checkInBody,
        response: {
          200: checkInResult,
          400: validationErrorResponse,
          401: errorBodySchema.describe('Pas de session agent (code « unauthenticated »).'),
          403: errorBodySchema.describe('Réservé aux agents de la collectivité (code « forbidden »).'),
          404: errorBodySchema.describe('Aucun rendez-vous n’a cette référence (code « appointment_not_found »).'),
          409: errorBodySchema.describe(
            'Arrivée déjà enregistrée (« already_checked_in »), rendez-vous annulé, passé ou par téléphone (« appointment_not_booked »).',
          ),
          422: errorBodySchema.describe(
            'Rendez-vous d’un autre jour (« appointment_not_today ») ou d’un autre lieu (« appointment_other_site »).',
          ),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      const tenant = requireTenant(request);
      const agent = await requireAgent(request, services);
      if (!can(agentActor(tenant.id, agent), 'work_at_counter', { kind: 'tenant', tenantId: tenant.id }))
        throw new AppError('forbidden', 'L’accueil au guichet est réservé aux agents de la collectivité.');
      // JSON only: a form posted from another site cannot send it without the browser asking first.
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
        throw new AppError('invalid_input', 'Envoyez la demande en JSON (Content-Type: application/json).');
      rejectInvalid(request);
      const done = await inTenant(services.db, tenant.id, (trx) =>
        checkInAppointment(trx, {
          tenantId: tenant.id,
          reference: request.params.reference,
          siteId: request.body.site_id ?? null,
          agentId: agent.id,
          now: services.clock.now(),
        }),
      );
      return {
        reference: done.reference,
        ticket: done.code,
        site_id: done.siteId,
        start: isoWithOffset(done.start),
        late_minutes: done.lateMinutes,
      };
    },
  );
}
