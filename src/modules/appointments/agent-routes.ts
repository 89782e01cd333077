import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { loadAppointment } from './appointment-details.ts';
import { bookAppointment } from './book-appointment.ts';
import { bookingTenant, requireConfirmation, slotChoices, weekFrom } from './citizen-routes.ts';
import { cancelAppointment } from './change-appointment.ts';
import { findSlots } from './find-slots.ts';
import { agentBookingForm, phoneE164 } from './forms.ts';
import { addDays, wallTimeOf, zonedInstant } from './local-time.ts';
import {
  activeSites,
  dayAgenda,
  demarchesWithMotifs,
  motifsOfDemarche,
  publishedDemarche,
  sitesOfMotif,
} from './repository.ts';
import {
  AGENDA_PATH,
  agendaPage,
  agentAppointmentPage,
  agentBookingPage,
  type AgentBookingInput,
} from './views/agent-pages.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The agents' side: the day's appointments, booking for a caller (from the workspace, a noted
 * call — « Rendez-vous à fixer » — or a citizen record: the appointment goes on that person's
 * timeline), an appointment's page and its cancellation. Registered inside the agents' scope.
 */
export function registerAppointmentAgentRoutes(scope: FastifyInstance, services: Services): void {
  async function allowed(
    request: FastifyRequest,
    action: 'view_appointments' | 'book_appointment_for_caller' | 'change_appointment',
  ): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), action, { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux agents de la collectivité.');
    return agent;
  }

  scope.get(AGENDA_PATH, async (request, reply) => {
    const agent = await allowed(request, 'view_appointments');
    const tenant = requireTenant(request);
    const raw = queryParam(request, 'jour');
    const day = DAY.test(raw) ? raw : wallTimeOf(services.clock.now()).day;
    const from = zonedInstant(day, 0)!;
    const to = zonedInstant(addDays(day, 1), 0)!;
    const rawSite = queryParam(request, 'lieu');
    const siteId = UUID.test(rawSite) ? rawSite : null;
    const { rows: list, sites } = await withTenantConnection(services.db, tenant.id, async (c) => ({
      rows: await dayAgenda(c, { from, to, siteId }),
      sites: await activeSites(c),
    }));
    const notice =
      queryParam(request, 'fait') === 'annule' ? 'Le rendez-vous est annulé ; l’usager est prévenu.' : undefined;
    return sendHtml(
      reply,
      agendaPage(agentContext(request, agent), {
        day,
        previous: addDays(day, -1),
        next: addDays(day, 1),
        rows: list,
        sites,
        siteId,
        ...(notice ? { notice } : {}),
      }),
    );
  });

  async function renderBooking(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    params: { demarche: string; motif: string; du: string; usager: string; demande: string },
    form: { values?: AgentBookingInput['values']; errors: FieldError[] },
    status = 200,
  ) {
    const tenant = requireTenant(request);
    const today = wallTimeOf(services.clock.now()).day;
    const { from, to } = weekFrom(params.du, today);
    const data = await withTenantConnection(services.db, tenant.id, async (c) => {
      const demarches = await demarchesWithMotifs(c);
      const demarche = params.demarche ? await publishedDemarche(c, params.demarche) : null;
      const motifs = demarche ? await motifsOfDemarche(c, demarche.id) : [];
      const motif = motifs.find((m) => m.id === params.motif) ?? motifs[0] ?? null;
      const sites = motif ? await sitesOfMotif(c, motif.id) : [];
      const person = UUID.test(params.usager)
        ? await c
            .selectFrom('people')
            .select(['id', 'given_name', 'family_name', 'display_name', 'email', 'phone'])
            .where('id', '=', params.usager)
            .executeTakeFirst()
        : undefined;
      return { demarches, demarche, motifs, motif, sites, person };
    });
    const slots = data.motif ? await findSlots(services, tenant.id, { motif: data.motif, siteId: null, from, to }) : [];
    const p = data.person;
    const values = form.values ?? {
      creneau: '',
      prenom: p?.given_name ?? '',
      nom: p?.family_name ?? '',
      courriel: p?.email ?? '',
      telephone: p?.phone ?? '',
      sms: false,
    };
    return sendHtml(
      reply,
      agentBookingPage(agentContext(request, agent), {
        demarches: data.demarches,
        demarcheSlug: data.demarche?.slug ?? '',
        motifs: data.motifs,
        motifId: data.motif?.id ?? '',
        from,
        next: addDays(from, 7),
        slots: data.motif ? slotChoices(slots, data.motif.id, new Map(data.sites.map((s) => [s.id, s.name]))) : [],
        values,
        usager: p?.id ?? '',
        demande: params.demande,
        personName: p ? p.display_name : null,
        errors: form.errors,
      }),
      status,
    );
  }

  scope.get(`${AGENDA_PATH}/nouveau`, async (request, reply) => {
    const agent = await allowed(request, 'book_appointment_for_caller');
    return renderBooking(
      request,
      reply,
      agent,
      {
        demarche: queryParam(request, 'demarche'),
        motif: queryParam(request, 'motif'),
        du: queryParam(request, 'du'),
        usager: queryParam(request, 'usager'),
        demande: queryParam(request, 'demande'),
      },
      { errors: [] },
    );
  });

  scope.post(`${AGENDA_PATH}/nouveau`, async (request, reply) => {
    const agent = await allowed(request, 'book_appointment_for_caller');
    const tenant = requireTenant(request);
    const { fields } = readFormBody(request);
    const values = {
      creneau: typedValue(fields, 'creneau', 200),
      prenom: typedValue(fields, 'prenom', 100),
      nom: typedValue(fields, 'nom', 100),
      courriel: typedValue(fields, 'courriel', 254),
      telephone: typedValue(fields, 'telephone', 40),
      sms: typedValue(fields, 'sms', 10) !== '',
    };
    const usager = typedValue(fields, 'usager', 40);
    const demande = typedValue(fields, 'demande', 40);
    // The slot's démarche, to show the same week again on an error.
    const slotDemarche = await withTenantConnection(services.db, tenant.id, async (c) => {
      const motifId = values.creneau.split('.')[0] ?? '';
      if (!UUID.test(motifId)) return '';
      const row = await c
        .selectFrom('appointment_motifs as m')
        .innerJoin('demarches as d', (j) =>
          j.onRef('d.tenant_id', '=', 'm.tenant_id').onRef('d.id', '=', 'm.demarche_id'),
        )
        .select('d.slug')
        .where('m.id', '=', motifId)
        .executeTakeFirst();
      return row?.slug ?? '';
    });
    const again = (errors: FieldError[], status = 400) =>
      renderBooking(
        request,
        reply,
        agent,
        { demarche: slotDemarche, motif: values.creneau.split('.')[0] ?? '', du: '', usager, demande },
        { values, errors },
        status,
      );
    const form = parseForm(agentBookingForm, fields);
    if (!form.ok) return again(form.errors);
    const phone = form.value.telephone ? phoneE164(form.value.telephone) : null;
    if (form.value.telephone && !phone)
      return again([{ field: 'telephone', message: 'Indiquez un numéro de téléphone, par exemple 06 12 34 56 78.' }]);
    if (!form.value.courriel && !phone)
      return again([
        { field: 'courriel', message: 'Indiquez une adresse électronique ou un téléphone pour joindre la personne.' },
      ]);
    if (form.value.sms && !phone)
      return again([{ field: 'telephone', message: 'Indiquez un numéro de portable pour les SMS.' }]);
    const requestId = demande
      ? ((await withTenantConnection(services.db, tenant.id, (c) =>
          c.selectFrom('requests').select(['id', 'person_id']).where('reference', '=', demande).executeTakeFirst(),
        )) ?? null)
      : null;
    try {
      const { appointment } = await bookAppointment(services, bookingTenant(request), {
        slotId: form.value.creneau,
        givenName: form.value.prenom,
        familyName: form.value.nom,
        email: form.value.courriel || null,
        phone,
        smsReminders: form.value.sms,
        channel: 'phone',
        personId: UUID.test(usager) ? usager : (requestId?.person_id ?? null),
        agent: { id: agent.id },
        requestId: requestId?.id ?? null,
        baseUrl: requestBaseUrl(services.config, request),
      });
      return reply.redirect(url(request, `${AGENDA_PATH}/${appointment.reference}?fait=reserve`), 303);
    } catch (err) {
      if (err instanceof AppError && err.status < 500 && err.code !== 'forbidden')
        return again([{ field: 'creneau', message: err.message }], err.status);
      throw err;
    }
  });

  async function appointmentOf(request: FastifyRequest, reference: string) {
    const tenant = requireTenant(request);
    const a = /^RDV-[0-9A-Z]{6}$/.test(reference)
      ? await withTenantConnection(services.db, tenant.id, (c) => loadAppointment(c, { reference }))
      : null;
    if (!a) throw new AppError('appointment_not_found', 'Ce rendez-vous n’existe pas.');
    return a;
  }

  scope.get<{ Params: { reference: string } }>(`${AGENDA_PATH}/:reference`, async (request, reply) => {
    const agent = await allowed(request, 'view_appointments');
    const a = await appointmentOf(request, request.params.reference);
    const notice =
      queryParam(request, 'fait') === 'reserve'
        ? `Rendez-vous réservé. ${a.email ? 'La confirmation est envoyée par courriel.' : 'Donnez la référence à la personne.'}`
        : undefined;
    return sendHtml(
      reply,
      agentAppointmentPage(agentContext(request, agent), {
        a,
        changeable: a.status === 'booked' && services.clock.now().getTime() < a.start.getTime(),
        ...(notice ? { notice } : {}),
      }),
    );
  });

  scope.post<{ Params: { reference: string } }>(`${AGENDA_PATH}/:reference/annuler`, async (request, reply) => {
    const agent = await allowed(request, 'change_appointment');
    requireConfirmation(request);
    const a = await appointmentOf(request, request.params.reference);
    await cancelAppointment(services, bookingTenant(request), {
      appointmentId: a.id,
      actor: { kind: 'agent', agentId: agent.id },
      baseUrl: requestBaseUrl(services.config, request),
    });
    return reply.redirect(url(request, `${AGENDA_PATH}?jour=${wallTimeOf(a.start).day}&fait=annule`), 303);
  });
}
