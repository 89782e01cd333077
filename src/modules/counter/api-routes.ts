import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { currentAgent } from '../agents/require-agent.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { commonErrorResponses, errorBodySchema, validationErrorResponse } from '../api/schemas.ts';
import { rejectInvalid } from '../api/validation.ts';
import { appointmentTokenBody as tokenBody } from '../appointments/forms.ts';
import { findManageLink } from '../appointments/links.ts';
import { isoWithOffset } from '../appointments/local-time.ts';
import { can } from '../authorization.ts';
import { checkInAppointment } from './check-in-appointment.ts';
import { ticketOfAppointment } from './repository.ts';

/**
 * The arrival of a booked citizen through the API (a kiosk at the entrance, the appointment's
 * link): recorded, and the person is put in the counter's line with a ticket (« R004 »), as when
 * an agent checks them in. Asked again, it answers with the same ticket.
 */
export function registerCounterApiRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    `${API_PREFIX}/rendez-vous/:reference/arrivee`,
    {
      attachValidation: true,
      config: { rateLimitBudget: 'tracking' },
      schema: {
        operationId: 'checkInAppointment',
        summary: 'Signaler l’arrivée',
        description:
          'Enregistre l’arrivée de la personne le jour du rendez-vous (borne d’accueil) et lui donne un ticket de la file d’attente du guichet : avec le jeton de son lien, ou par un agent connecté. Une deuxième demande répond avec le même ticket.',
        tags: ['Rendez-vous'],
        params: z.object({
          reference: z.string().regex(/^RDV-[0-9A-Z]{6}$/, 'Une référence RDV-XXXXXX est attendue.'),
        }),
        body: tokenBody.partial(),
        response: {
          200: z.object({
            reference: z.string(),
            checked_in_at: z.string(),
            start: z.string(),
            ticket: z.string().describe('Le numéro affiché sur l’écran de la salle d’attente, par exemple « R004 ».'),
          }),
          400: validationErrorResponse,
          403: errorBodySchema.describe('Ni jeton valable, ni agent connecté (code « forbidden »).'),
          404: errorBodySchema.describe('Référence inconnue (code « appointment_not_found »).'),
          409: errorBodySchema.describe('Annulé, déjà eu lieu, ou par téléphone (code « appointment_not_booked »).'),
          422: errorBodySchema.describe('Pas aujourd’hui (code « appointment_not_today »).'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const agent = await currentAgent(request, services);
      const allowedAgent =
        agent && can(agentActor(tenant.id, agent), 'work_at_counter', { kind: 'tenant', tenantId: tenant.id });
      if (!allowedAgent) {
        const token = request.body?.token ?? '';
        const ok = await withTenantConnection(services.db, tenant.id, async (c) => {
          const link = await findManageLink(c, token);
          if (!link) return false;
          const row = await c
            .selectFrom('appointments')
            .select('reference')
            .where('id', '=', link.appointmentId)
            .executeTakeFirst();
          return row?.reference === request.params.reference;
        });
        if (!ok)
          throw new AppError('forbidden', 'Présentez le lien de votre rendez-vous, ou adressez-vous à l’accueil.');
      }
      const now = services.clock.now();
      const arrived = await inTenant(services.db, tenant.id, async (trx) => {
        const already = await ticketOfAppointment(trx, request.params.reference);
        if (already) return already;
        const checked = await checkInAppointment(trx, {
          tenantId: tenant.id,
          reference: request.params.reference,
          siteId: null,
          agentId: allowedAgent ? agent.id : null,
          now,
        });
        return (await ticketOfAppointment(trx, checked.reference))!;
      });
      return {
        reference: arrived.reference,
        checked_in_at: isoWithOffset(arrived.checkedInAt),
        start: isoWithOffset(arrived.start),
        ticket: arrived.code,
      };
    },
  );
}
