import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parisDay } from '../../platform/format.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { qrCodeSvg } from '../../platform/qr-code.ts';
import { unsafeRaw } from '../../platform/html.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { addDays, zonedInstant } from '../appointments/local-time.ts';
import { can } from '../authorization.ts';
import { readSurveyLink } from '../satisfaction/read-survey-link.ts';
import { surveyQrPage } from '../satisfaction/views/kiosks-page.ts';
import { callNext } from './call-next.ts';
import { checkInAppointment } from './check-in-appointment.ts';
import { counterIndicators, INDICATORS_MAX_DAYS } from './counter-indicators.ts';
import { findAppointments, SEARCH_MAX } from './find-appointments.ts';
import { finishService } from './finish-service.ts';
import {
  checkInForm,
  figuresForm,
  leftForm,
  OUTCOMES,
  outcomeForm,
  TICKET_ACTIONS,
  walkInForm,
  type TicketAction,
} from './forms.ts';
import type { VisitSurveyContext } from './invite-after-visit.ts';
import { issueWalkInTicket } from './issue-walk-in-ticket.ts';
import { markTicketAbsent } from './mark-ticket-absent.ts';
import { markTicketLeft } from './mark-ticket-left.ts';
import { recallTicket } from './recall-ticket.ts';
import {
  activeSiteName,
  appointmentsBetween,
  counterById,
  counterSite,
  currentTicketOf,
  recentCalls,
  sitesWithCounters,
  ticketById,
  ticketsOfDay,
  waitingCount,
  walkInDemarches,
} from './repository.ts';
import { setAppointmentOutcome } from './set-appointment-outcome.ts';
import { startService } from './start-service.ts';
import {
  counterPage,
  checkInPage,
  COUNTER_PATH,
  counterPath,
  siteDayPage,
  sitePath,
  sitesPage,
} from './views/counter-pages.ts';
import { displayPage } from './views/display-page.ts';
import { FIGURES_PATH, figuresPage } from './views/figures-page.ts';

/** How many calls the waiting-room screen shows: the last one and five before it. */
const SCREEN_CALLS = 6;

/** The day's bounds in the commune. */
function dayBounds(day: string): { start: Date; end: Date } {
  return { start: zonedInstant(day, 0)!, end: zonedInstant(addDays(day, 1), 0)! };
}

/**
 * The day at the counter (agents: check-in, walk-in tickets, counters, « appeler le suivant »),
 * its figures (supervisors and administrators), and the waiting-room screen (public: ticket
 * numbers and counters only). The agents' routes are registered inside the agents' scope;
 * `registerCounterDisplayRoutes` outside it.
 */
export function registerCounterRoutes(scope: FastifyInstance, services: Services): void {
  async function requireCounterAgent(request: FastifyRequest): Promise<SessionAgent> {
    const agent = await requireAgent(request, services);
    const tenantId = requireTenant(request).id;
    if (!can(agentActor(tenantId, agent), 'work_at_counter', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'L’accueil au guichet est réservé aux agents de la collectivité.');
    return agent;
  }
  const tenantOf = (request: FastifyRequest) => requireTenant(request).id;
  const surveyOf = (request: FastifyRequest): VisitSurveyContext => ({
    sessionSecret: services.config.sessionSecret,
    baseUrl: requestBaseUrl(services.config, request),
    linkDays: services.config.survey.linkDays,
  });
  const idParam = (request: FastifyRequest, name: string): string => {
    const value = (request.params as Record<string, string>)[name] ?? '';
    if (!UUID.test(value)) throw new AppError('not_found', 'Cette page n’existe pas.');
    return value;
  };
  const notice = (request: FastifyRequest) => {
    const ticket = queryParam(request, 'ticket').slice(0, 10);
    const code = /^[A-Z]\d{3}$/.test(ticket) ? ticket : '';
    switch (queryParam(request, 'fait')) {
      case 'ticket':
        return code ? `Ticket ${code} remis. Donnez ce numéro à la personne : il s’affichera sur l’écran.` : undefined;
      case 'arrivee':
        return code ? `Arrivée enregistrée : ticket ${code}. La personne attend d’être appelée.` : undefined;
      case 'appele':
        return code ? `Ticket ${code} appelé sur l’écran.` : undefined;
      case 'personne':
        return 'Personne n’attend : aucun ticket appelé.';
      case 'etat':
        return 'L’état du rendez-vous est enregistré.';
      case 'parti':
        return 'Ticket retiré de la file : la personne est partie.';
      case 'termine':
        return 'Accueil terminé.';
      case 'absent':
        return 'Personne absente : le ticket est clos.';
      default:
        return undefined;
    }
  };

  scope.get(COUNTER_PATH, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const sites = await withTenantConnection(services.db, tenantOf(request), (c) => sitesWithCounters(c));
    return sendHtml(reply, sitesPage(agentContext(request, agent), { sites }));
  });

  async function renderSiteDay(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    siteId: string,
    form: { search: string; walkIn?: { demarche: string; nom: string }; errors: FieldError[] },
    status = 200,
  ) {
    const tenantId = tenantOf(request);
    const now = services.clock.now();
    const today = parisDay(now);
    const { start, end } = dayBounds(today);
    const data = await inTenant(services.db, tenantId, async (trx) => {
      const site = await counterSite(trx, siteId);
      if (!site) return null;
      const search = form.search.trim();
      return {
        site,
        found: search ? await findAppointments(trx, { siteId, text: search, dayStart: start, dayEnd: end }) : null,
        demarches: await walkInDemarches(trx, siteId),
        tickets: await ticketsOfDay(trx, siteId, today),
        appointments: await appointmentsBetween(trx, siteId, start, end),
      };
    });
    if (!data) throw new AppError('not_found', 'Ce lieu d’accueil n’existe pas ou n’a pas de guichet.');
    const page = siteDayPage(agentContext(request, agent), {
      site: data.site,
      today,
      now,
      search: { text: form.search, found: data.found },
      walkIn: { values: form.walkIn ?? { demarche: '', nom: '' }, demarches: data.demarches },
      waiting: data.tickets.filter((t) => t.status === 'waiting'),
      appointments: data.appointments,
      errors: form.errors,
      notice: notice(request),
    });
    return sendHtml(reply, page, status);
  }

  scope.get(`${COUNTER_PATH}/lieux/:siteId`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const siteId = idParam(request, 'siteId');
    const search = queryParam(request, 'q').slice(0, SEARCH_MAX);
    return renderSiteDay(request, reply, agent, siteId, { search, errors: [] });
  });

  scope.post(`${COUNTER_PATH}/lieux/:siteId/tickets`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const siteId = idParam(request, 'siteId');
    const { fields } = readFormBody(request);
    const typed = { demarche: typedValue(fields, 'demarche', 100), nom: typedValue(fields, 'nom', 200) };
    const form = parseForm(walkInForm, fields);
    if (!form.ok)
      return renderSiteDay(request, reply, agent, siteId, { search: '', walkIn: typed, errors: form.errors }, 400);
    const demarcheId = form.value.demarche === 'autre' ? null : form.value.demarche;
    if (demarcheId !== null && !UUID.test(demarcheId))
      return renderSiteDay(
        request,
        reply,
        agent,
        siteId,
        { search: '', walkIn: typed, errors: [{ field: 'demarche', message: 'Choisissez une démarche de la liste.' }] },
        400,
      );
    try {
      const ticket = await inTenant(services.db, tenantOf(request), (trx) =>
        issueWalkInTicket(trx, {
          tenantId: tenantOf(request),
          siteId,
          demarcheId,
          name: form.value.nom,
          agentId: agent.id,
          now: services.clock.now(),
        }),
      );
      return reply.redirect(url(request, `${sitePath(siteId)}?fait=ticket&ticket=${ticket.code}`), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input')
        return renderSiteDay(
          request,
          reply,
          agent,
          siteId,
          { search: '', walkIn: typed, errors: [{ field: 'demarche', message: err.message }] },
          400,
        );
      throw err;
    }
  });

  scope.post(`${COUNTER_PATH}/lieux/:siteId/arrivees`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const siteId = idParam(request, 'siteId');
    const { fields } = readFormBody(request);
    const typed = typedValue(fields, 'reference', SEARCH_MAX);
    const form = parseForm(checkInForm, fields);
    const refuse = (message: string, status: number) =>
      renderSiteDay(request, reply, agent, siteId, { search: typed, errors: [{ field: 'q', message }] }, status);
    if (!form.ok) return refuse(form.errors[0]!.message, 400);
    const reference = /RDV-[0-9A-Z]{6}/i.exec(form.value.reference)![0];
    try {
      const done = await inTenant(services.db, tenantOf(request), (trx) =>
        checkInAppointment(trx, {
          tenantId: tenantOf(request),
          reference,
          siteId,
          agentId: agent.id,
          now: services.clock.now(),
        }),
      );
      return reply.redirect(url(request, `${sitePath(siteId)}?fait=arrivee&ticket=${done.code}`), 303);
    } catch (err) {
      if (err instanceof AppError && err.status !== 403 && err.status < 500) return refuse(err.message, err.status);
      throw err;
    }
  });

  scope.post(`${COUNTER_PATH}/lieux/:siteId/tickets/:ticketId/parti`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const siteId = idParam(request, 'siteId');
    const ticketId = idParam(request, 'ticketId');
    if (!parseForm(leftForm, readFormBody(request).fields).ok)
      throw new AppError('invalid_input', 'Confirmez que la personne est partie.');
    try {
      await inTenant(services.db, tenantOf(request), (trx) =>
        markTicketLeft(trx, { siteId, ticketId, now: services.clock.now() }),
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'ticket_not_current')
        return renderSiteDay(
          request,
          reply,
          agent,
          siteId,
          { search: '', errors: [{ field: 'file', anchor: 'file-titre', message: err.message }] },
          409,
        );
      throw err;
    }
    return reply.redirect(url(request, `${sitePath(siteId)}?fait=parti`), 303);
  });

  scope.post(`${COUNTER_PATH}/lieux/:siteId/rendez-vous/:appointmentId/etat`, async (request, reply) => {
    await requireCounterAgent(request);
    const siteId = idParam(request, 'siteId');
    const appointmentId = idParam(request, 'appointmentId');
    const form = parseForm(outcomeForm, readFormBody(request).fields);
    if (!form.ok) throw new AppError('invalid_input', form.errors[0]!.message);
    await inTenant(services.db, tenantOf(request), (trx) =>
      setAppointmentOutcome(trx, {
        appointmentId,
        siteId,
        outcome: OUTCOMES[form.value.statut],
        now: services.clock.now(),
      }),
    );
    return reply.redirect(url(request, `${sitePath(siteId)}?fait=etat`), 303);
  });

  scope.get(`${COUNTER_PATH}/arrivee/:reference`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const reference = String((request.params as { reference: string }).reference).toUpperCase();
    if (!/^RDV-[0-9A-Z]{6}$/.test(reference))
      throw new AppError('appointment_not_found', 'Cette référence n’existe pas.');
    const now = services.clock.now();
    const { start, end } = dayBounds(parisDay(now));
    const result = await inTenant(services.db, tenantOf(request), async (trx) => {
      const found = await findAppointments(trx, { siteId: '', text: reference, dayStart: start, dayEnd: end });
      const siteId = found.appointments[0]?.siteId;
      return { found, siteName: siteId ? await activeSiteName(trx, siteId) : null };
    });
    return sendHtml(
      reply,
      checkInPage(agentContext(request, agent), { reference, ...result }),
      result.found.appointments.length ? 200 : 404,
    );
  });

  async function renderCounter(
    request: FastifyRequest,
    reply: FastifyReply,
    agent: SessionAgent,
    counterId: string,
    errors: FieldError[] = [],
    status = 200,
  ) {
    const now = services.clock.now();
    const data = await inTenant(services.db, tenantOf(request), async (trx) => {
      const counter = await counterById(trx, counterId);
      if (!counter) return null;
      const tickets = await ticketsOfDay(trx, counter.siteId, parisDay(now));
      // The person just served here (« Terminer », or « Appeler le suivant » that ended the visit):
      // the agent may show them the QR code of the visit's survey.
      const served = queryParam(request, 'servi');
      const lastServed = UUID.test(served)
        ? (tickets.find((t) => t.id === served && t.status === 'seen' && t.counterId === counterId) ?? null)
        : null;
      return {
        counter,
        current: await currentTicketOf(trx, counterId),
        waiting: tickets.filter((t) => t.status === 'waiting').length,
        lastServed: lastServed && { id: lastServed.id, code: lastServed.code },
      };
    });
    if (!data) throw new AppError('not_found', 'Ce guichet n’existe pas ou n’est plus ouvert.');
    return sendHtml(
      reply,
      counterPage(agentContext(request, agent), {
        ...data,
        now,
        errors,
        notice: errors.length ? undefined : notice(request),
      }),
      status,
    );
  }

  scope.get(`${COUNTER_PATH}/comptoirs/:counterId`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    return renderCounter(request, reply, agent, idParam(request, 'counterId'));
  });

  scope.post(`${COUNTER_PATH}/comptoirs/:counterId/suivant`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const counterId = idParam(request, 'counterId');
    const { called, served } = await inTenant(services.db, tenantOf(request), async (trx) => {
      const before = await currentTicketOf(trx, counterId);
      const next = await callNext(trx, {
        tenantId: tenantOf(request),
        counterId,
        agentId: agent.id,
        now: services.clock.now(),
        survey: surveyOf(request),
      });
      return { called: next, served: before?.id ?? null };
    });
    const query = `${called ? `fait=appele&ticket=${called.code}` : 'fait=personne'}${served ? `&servi=${served}` : ''}`;
    return reply.redirect(url(request, `${counterPath(counterId)}?${query}`), 303);
  });

  scope.post(`${COUNTER_PATH}/comptoirs/:counterId/tickets/:ticketId/:action`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const counterId = idParam(request, 'counterId');
    const ticketId = idParam(request, 'ticketId');
    const action = (request.params as { action: string }).action as TicketAction;
    if (!TICKET_ACTIONS.includes(action)) throw new AppError('not_found', 'Cette page n’existe pas.');
    const input = {
      tenantId: tenantOf(request),
      counterId,
      ticketId,
      agentId: agent.id,
      now: services.clock.now(),
      survey: surveyOf(request),
    };
    try {
      const code = await inTenant(services.db, tenantOf(request), async (trx) => {
        const ticket = await ticketById(trx, ticketId);
        if (action === 'commencer') await startService(trx, input);
        else if (action === 'terminer') await finishService(trx, input);
        else if (action === 'absent') await markTicketAbsent(trx, input);
        else await recallTicket(trx, input);
        return ticket?.code ?? '';
      });
      const fait = {
        commencer: '',
        terminer: `fait=termine&servi=${ticketId}`,
        absent: 'fait=absent',
        rappeler: `fait=appele&ticket=${code}`,
      }[action];
      return reply.redirect(url(request, `${counterPath(counterId)}${fait ? `?${fait}` : ''}`), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'ticket_not_current')
        return renderCounter(request, reply, agent, counterId, [{ field: 'suivant', message: err.message }], 409);
      throw err;
    }
  });

  // The QR code of a visit's survey, shown to the person just served (or given as an address).
  scope.get(`${COUNTER_PATH}/comptoirs/:counterId/tickets/:ticketId/avis`, async (request, reply) => {
    const agent = await requireCounterAgent(request);
    const counterId = idParam(request, 'counterId');
    const ticketId = idParam(request, 'ticketId');
    const found = await inTenant(services.db, tenantOf(request), async (trx) => {
      const ticket = await ticketById(trx, ticketId);
      if (!ticket || ticket.counterId !== counterId) return null;
      const link = await readSurveyLink(trx, {
        tenantId: tenantOf(request),
        of: { ticketId },
        sessionSecret: services.config.sessionSecret,
        baseUrl: requestBaseUrl(services.config, request),
        now: services.clock.now(),
      });
      return { ticket, link };
    });
    if (!found) throw new AppError('not_found', 'Ce ticket n’a pas été reçu à ce guichet.');
    return sendHtml(
      reply,
      surveyQrPage(agentContext(request, agent), {
        subject: `ticket ${found.ticket.code}`,
        back: { href: counterPath(counterId), label: 'Retour au guichet' },
        qrSvg: found.link.url ? unsafeRaw(await qrCodeSvg(found.link.url)) : null,
        link: found.link.url,
        answered: found.link.answered,
      }),
    );
  });

  scope.get(FIGURES_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenantId = tenantOf(request);
    if (!can(agentActor(tenantId, agent), 'view_counter_figures', { kind: 'tenant', tenantId }))
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    const now = services.clock.now();
    const today = parisDay(now);
    const values = {
      du: queryParam(request, 'du').slice(0, 20) || addDays(today, -29),
      au: queryParam(request, 'au').slice(0, 20) || today,
      lieu: queryParam(request, 'lieu').slice(0, 100),
    };
    const parsed = parseForm(figuresForm, values);
    let errors: FieldError[] = parsed.ok ? [] : parsed.errors;
    const from = parsed.ok ? (parsed.value.du ?? addDays(today, -29)) : null;
    const to = parsed.ok ? (parsed.value.au ?? today) : null;
    if (from && to && addDays(from, INDICATORS_MAX_DAYS) <= to)
      errors = [{ field: 'au', message: `Au : choisissez une période d’au plus ${INDICATORS_MAX_DAYS} jours.` }];
    const result = await inTenant(services.db, tenantId, async (trx) => {
      const sites = (await sitesWithCounters(trx)).map((s) => ({ id: s.id, name: s.name }));
      const siteId = sites.some((s) => s.id === values.lieu) ? values.lieu : null;
      const figures =
        errors.length === 0 && from && to ? await counterIndicators(trx, { tenantId, from, to, siteId, now }) : null;
      return { sites, figures };
    });
    return sendHtml(
      reply,
      figuresPage(agentContext(request, agent), { values, errors, ...result, isAdmin: agent.role === 'admin' }),
      errors.length ? 400 : 200,
    );
  });
}

/** The waiting-room screen of a site: public (ticket numbers and counters only), never cached. */
export function registerCounterDisplayRoutes(app: FastifyInstance, services: Services): void {
  app.get('/ecran/:siteId', async (request, reply) => {
    const tenant = requireTenant(request);
    const siteId = (request.params as { siteId: string }).siteId;
    if (!UUID.test(siteId)) throw new AppError('not_found', 'Cet écran n’existe pas.');
    const now = services.clock.now();
    const today = parisDay(now);
    const data = await withTenantConnection(services.db, tenant.id, async (c) => {
      const siteName = await activeSiteName(c, siteId);
      if (siteName === null) return null;
      return {
        siteName,
        calls: await recentCalls(c, siteId, today, SCREEN_CALLS),
        waiting: await waitingCount(c, siteId, today),
      };
    });
    if (!data) throw new AppError('not_found', 'Cet écran n’existe pas.');
    reply.header('cache-control', 'no-store');
    return sendHtml(reply, displayPage(pageContext(request), { ...data, now }));
  });
}
