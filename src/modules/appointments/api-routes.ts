import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { commonErrorResponses, errorBodySchema, rateLimitedResponse, validationErrorResponse } from '../api/schemas.ts';
import { rejectInvalid } from '../api/validation.ts';
import { bookAppointment } from './book-appointment.ts';
import { bookingTenant } from './citizen-routes.ts';
import { cancelAppointment } from './change-appointment.ts';
import { findSlots } from './find-slots.ts';
import { appointmentTokenBody as tokenBody, phoneE164 } from './forms.ts';
import { findManageLink } from './links.ts';
import { addDays, isoWithOffset, wallTimeOf } from './local-time.ts';
import { calendarPath, managePath } from './messages.ts';
import { motifsOfDemarche, publishedDemarche, sitesOfMotif } from './repository.ts';
import { slotIdOf } from './slot-id.ts';

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Une date AAAA-MM-JJ est attendue.');

const slotSchema = z
  .object({
    id: z.string().describe('À renvoyer tel quel dans « slot_id » pour réserver.'),
    start: z
      .string()
      .describe('Début, ISO 8601 avec le décalage horaire (Europe/Paris), par exemple 2026-12-07T09:30:00+01:00.'),
    end: z.string().describe('Fin, même format.'),
    site: z.object({ id: z.string(), name: z.string() }),
    remaining: z
      .number()
      .int()
      .describe('Places encore libres (plus d’une pour une séance collective ou plusieurs guichets).'),
  })
  .describe('Créneau libre');

const slotsQuery = z.object({
  demarche: z.string().min(1).max(100).describe('Identifiant (slug) de la démarche, par exemple « carte-identite ».'),
  motif: z.string().uuid().optional().describe('Motif, quand la démarche en a plusieurs (par défaut le premier).'),
  site: z.string().uuid().optional().describe('Lieu ; sans lui, tous les lieux.'),
  du: DAY.optional().describe('Premier jour (par défaut aujourd’hui).'),
  au: DAY.optional().describe('Dernier jour, inclus (par défaut 14 jours après « du », au plus 62 jours).'),
});

const bookBody = z.object({
  slot_id: z.string().min(1).max(200),
  given_name: z.string().trim().min(1).max(100),
  family_name: z.string().trim().min(1).max(100),
  email: z.string().trim().max(254).optional(),
  phone: z.string().trim().max(40).optional(),
  sms: z.boolean().optional().describe('Confirmation et rappels aussi par SMS (avec « phone »).'),
});

const bookResult = z.object({
  reference: z.string(),
  start: z.string(),
  end: z.string(),
  cancel_url: z.string().describe('Page du rendez-vous pour l’annuler ou le déplacer (lien à usage unique).'),
  ics_url: z.string().describe('Le rendez-vous au format iCalendar.'),
});

const slotFullBody = z
  .object({
    code: z.literal('slot_full'),
    message: z.string(),
    next_slots: z.array(slotSchema),
    error: z.object({ code: z.literal('slot_full'), message: z.string() }),
  })
  .describe('Créneau complet (code « slot_full ») : « next_slots » donne les prochains créneaux libres.');

/**
 * The appointments' JSON API (issue 11, part 6), for a tenant's website or a kiosk: free slots,
 * booking (anonymous, APPOINTMENT_RATE_LIMIT per minute and address), cancellation with the
 * link's token, check-in with the token or an agent session.
 */
export function registerAppointmentApiRoutes(app: FastifyInstance, services: Services): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    `${API_PREFIX}/rendez-vous/creneaux`,
    {
      attachValidation: true,
      schema: {
        operationId: 'listAppointmentSlots',
        summary: 'Lister les créneaux libres',
        description:
          'Donne les créneaux libres d’une démarche sur une période, pour un lieu ou tous. Les heures sont en Europe/Paris, avec leur décalage.',
        tags: ['Rendez-vous'],
        querystring: slotsQuery,
        response: {
          200: z.object({ slots: z.array(slotSchema) }),
          400: validationErrorResponse,
          404: errorBodySchema.describe('Démarche inconnue ou sans rendez-vous (code « demarche_not_found »).'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const q = request.query;
      const today = wallTimeOf(services.clock.now()).day;
      const from = q.du && q.du > today ? q.du : today;
      const to = q.au ?? addDays(from, 14);
      if (to < from || to > addDays(from, 62))
        throw new AppError('validation_failed', 'La période doit aller de « du » à « au », 62 jours au plus.', [
          { field: 'au', message: 'Choisissez une date après « du », 62 jours au plus.' },
        ]);
      const { motif, sites } = await withTenantConnection(services.db, tenant.id, async (c) => {
        const d = await publishedDemarche(c, q.demarche);
        const motifs = d ? await motifsOfDemarche(c, d.id) : [];
        const m = motifs.find((x) => x.id === q.motif) ?? motifs[0];
        if (!m)
          throw new AppError('demarche_not_found', 'Cette démarche n’existe pas ou ne se fait pas sur rendez-vous.');
        return { motif: m, sites: await sitesOfMotif(c, m.id) };
      });
      const names = new Map(sites.map((s) => [s.id, s.name]));
      const slots = await findSlots(services, tenant.id, { motif, siteId: q.site ?? null, from, to });
      return { slots: slots.map((s) => presentSlot(motif.id, s, names)) };
    },
  );

  api.post(
    `${API_PREFIX}/rendez-vous`,
    {
      attachValidation: true,
      config: { rateLimitBudget: 'appointment' },
      schema: {
        operationId: 'bookAppointment',
        summary: 'Réserver un créneau',
        description: [
          'Réserve le créneau « slot_id » donné par « Lister les créneaux libres ».',
          'Une adresse électronique est obligatoire : la confirmation, le fichier .ics et le lien d’annulation y sont envoyés.',
          'Si deux personnes réservent la dernière place en même temps, une seule l’obtient ; l’autre reçoit 409 « slot_full » avec les prochains créneaux libres.',
          'Autres erreurs : slot_not_found (404), slot_in_past, slot_outside_opening_hours, slot_closed_day, slot_beyond_horizon (422), appointment_overlap (409), email_required (400).',
          'Le nombre de réservations par minute et par adresse IP est limité (APPOINTMENT_RATE_LIMIT).',
        ].join(' '),
        tags: ['Rendez-vous'],
        body: bookBody,
        response: {
          201: bookResult,
          400: validationErrorResponse,
          404: errorBodySchema.describe('Créneau inconnu (code « slot_not_found »).'),
          409: z.union([
            slotFullBody,
            errorBodySchema.describe(
              'La personne a déjà un rendez-vous pour cette démarche à ce moment (« appointment_overlap »).',
            ),
          ]),
          422: errorBodySchema.describe('Créneau impossible : passé, hors horaires, jour fermé, trop lointain.'),
          429: rateLimitedResponse,
          ...commonErrorResponses,
        },
      },
    },
    async (request, reply) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const body = request.body;
      if (!body.email)
        throw new AppError(
          'email_required',
          'Indiquez une adresse électronique (« email ») pour recevoir la confirmation.',
        );
      if (!/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]{2,}$/.test(body.email))
        throw new AppError('validation_failed', 'Adresse électronique non valide.', [
          { field: 'email', message: 'Indiquez une adresse électronique valide.' },
        ]);
      const phone = body.phone ? phoneE164(body.phone) : null;
      if (body.phone && !phone)
        throw new AppError('validation_failed', 'Numéro de téléphone non valide.', [
          { field: 'phone', message: 'Indiquez un numéro de téléphone français, par exemple 06 12 34 56 78.' },
        ]);
      const baseUrl = requestBaseUrl(services.config, request);
      try {
        const { appointment, manageToken } = await bookAppointment(services, bookingTenant(request), {
          slotId: body.slot_id,
          givenName: body.given_name,
          familyName: body.family_name,
          email: body.email,
          phone,
          smsReminders: body.sms === true && phone !== null,
          channel: 'api',
          baseUrl,
        });
        return reply.code(201).send({
          reference: appointment.reference,
          start: isoWithOffset(appointment.start),
          end: isoWithOffset(appointment.end),
          cancel_url: `${baseUrl}${managePath(manageToken)}`,
          ics_url: `${baseUrl}${calendarPath(manageToken)}`,
        });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'slot_full') throw err;
        const next =
          (err.details as { next_slots?: { id: string; slot: Parameters<typeof presentSlot>[1] }[] })?.next_slots ?? [];
        const names = await withTenantConnection(services.db, tenant.id, async (c) =>
          c.selectFrom('appointment_sites').select(['id', 'name']).execute(),
        );
        const siteNames = new Map(names.map((s) => [s.id, s.name]));
        return reply.code(409).send({
          code: 'slot_full' as const,
          message: err.message,
          next_slots: next.map((n) => ({ ...presentSlot('', n.slot, siteNames), id: n.id })),
          error: { code: 'slot_full' as const, message: err.message },
        });
      }
    },
  );

  api.post(
    `${API_PREFIX}/rendez-vous/annulation`,
    {
      attachValidation: true,
      schema: {
        operationId: 'cancelAppointment',
        summary: 'Annuler un rendez-vous',
        description:
          'Annule le rendez-vous du lien « cancel_url », avec son jeton (la fin du lien). Un lien sert une fois ; un rendez-vous commencé ou trop proche ne peut plus être annulé.',
        tags: ['Rendez-vous'],
        body: tokenBody,
        response: {
          200: z.object({ reference: z.string(), status: z.literal('cancelled') }),
          400: validationErrorResponse,
          404: errorBodySchema.describe('Lien inconnu (code « appointment_not_found »).'),
          409: errorBodySchema.describe(
            'Déjà commencé (« appointment_started ») ou trop tard (« cancel_deadline_passed »).',
          ),
          410: errorBodySchema.describe('Lien déjà utilisé (code « link_already_used »).'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const link = await withTenantConnection(services.db, tenant.id, (c) => findManageLink(c, request.body.token));
      if (!link) throw new AppError('appointment_not_found', 'Ce lien ne correspond à aucun rendez-vous.');
      const a = await cancelAppointment(services, bookingTenant(request), {
        appointmentId: link.appointmentId,
        actor: { kind: 'citizen', token: request.body.token },
        baseUrl: requestBaseUrl(services.config, request),
      });
      return { reference: a.reference, status: 'cancelled' as const };
    },
  );
  // The arrival (`…/:reference/arrivee`) is the counter's: it puts the person in the line
  // (modules/counter/api-routes.ts).
}

function presentSlot(
  motifId: string,
  s: { siteId: string; start: Date; end: Date; remaining: number },
  names: Map<string, string>,
) {
  return {
    id: slotIdOf({ motifId, siteId: s.siteId, start: s.start }),
    start: isoWithOffset(s.start),
    end: isoWithOffset(s.end),
    site: { id: s.siteId, name: names.get(s.siteId) ?? '' },
    remaining: s.remaining,
  };
}
