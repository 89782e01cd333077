import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { toCsv } from '../../platform/csv.ts';
import { parisDay } from '../../platform/format.ts';
import { attachmentDisposition } from '../../platform/web/download.ts';
import { parseForm, type FieldError } from '../../platform/web/form.ts';
import { readFormBody } from '../../platform/web/form-body.ts';
import { url } from '../../platform/web/layout.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { typedValue } from '../../platform/web/typed-values.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { listServices } from '../agents/repository.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext, UUID } from '../agents/route-support.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { activeSites } from '../appointments/repository.ts';
import { can } from '../authorization.ts';
import { CHANNEL_LABELS } from '../inbox/inbox-query.ts';
import { missedCallsForm } from './forms.ts';
import { openDataCsv, openDataJson, openDataRows } from './open-data.ts';
import type { ResultsDocument, SiteResultsDocument } from './compute-results.ts';
import { DRILL_INDICATORS, readDrillDown, type DrillIndicator } from './read-drill-down.ts';
import { recordMissedCalls } from './record-missed-calls.ts';
import {
  findActiveSite,
  findServiceBySlug,
  listPublishedServices,
  readAllPublished,
  readPublished,
  readPublishedSite,
  readPublishedSites,
} from './repository.ts';
import {
  DASHBOARD_PATH,
  dashboardPage,
  SITE_SCOPE,
  type DashboardScope,
  drillDownPage,
  MISSED_CALLS_PATH,
  missedCallsPage,
  type MissedCallsValues,
} from './views/dashboard-page.ts';
import { LICENCE_URL, RESULTS_PATH, resultsPage, siteResultsPage } from './views/results-page.ts';

/** Rows of a drill-down on its page; the CSV has them all (up to this bound). */
const PAGE_ROWS = 500;
const CSV_ROWS = 200_000;

/**
 * « Nos résultats » (public, one page per collectivité and per service, open data in CSV and
 * JSON under the Licence Ouverte) — read from the documents the daily job `results` writes — and
 * the supervisors' dashboard with its drill-down, and the missed calls agents note.
 */
export function registerResultsRoutes(app: FastifyInstance, services: Services): void {
  /** The menus of every « Nos résultats » page: the services and the sites with published figures. */
  async function menus(trx: Tx) {
    return {
      services: await listPublishedServices(trx),
      sites: (await readPublishedSites(trx)).map((d) => ({ id: d.siteId, name: d.siteName })),
    };
  }

  app.get(RESULTS_PATH, async (request, reply) => {
    const ctx = pageContext(request);
    const found = await inTenant(services.db, ctx.tenant.id, async (trx) => ({
      doc: await readPublished(trx, 'commune'),
      ...(await menus(trx)),
    }));
    return sendHtml(reply, resultsPage(ctx, { ...found, service: null }));
  });

  app.get<{ Params: { id: string } }>(`${RESULTS_PATH}/lieux/:id`, async (request, reply) => {
    const ctx = pageContext(request);
    const id = request.params.id;
    const found = UUID.test(id)
      ? await inTenant(services.db, ctx.tenant.id, async (trx) => {
          const site = await findActiveSite(trx, id);
          if (!site) return null;
          return { site, doc: await readPublishedSite(trx, site.id), ...(await menus(trx)) };
        })
      : null;
    if (!found) throw new AppError('not_found', 'Ce lieu d’accueil n’existe pas.');
    return sendHtml(reply, siteResultsPage(ctx, found));
  });

  app.get<{ Params: { slug: string } }>(`${RESULTS_PATH}/services/:slug`, async (request, reply) => {
    const ctx = pageContext(request);
    const found = await inTenant(services.db, ctx.tenant.id, async (trx) => {
      const service = await findServiceBySlug(trx, request.params.slug);
      if (!service) return null;
      return {
        service,
        doc: await readPublished(trx, `service:${service.id}`),
        ...(await menus(trx)),
      };
    });
    if (!found) throw new AppError('not_found', 'Ce service n’existe pas.');
    return sendHtml(reply, resultsPage(ctx, found));
  });

  async function openData(request: FastifyRequest) {
    const tenant = requireTenant(request);
    const { docs, sites } = await inTenant(services.db, tenant.id, async (trx) => ({
      docs: await readAllPublished(trx),
      sites: await readPublishedSites(trx),
    }));
    return { tenant, rows: openDataRows(tenant, docs, sites) };
  }

  app.get(`${RESULTS_PATH}/donnees.csv`, async (request, reply) => {
    const { tenant, rows } = await openData(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', attachmentDisposition(`resultats-${tenant.slug}.csv`))
      .header('link', `<${LICENCE_URL}>; rel="license"`)
      .send(openDataCsv(rows));
  });

  app.get(`${RESULTS_PATH}/donnees.json`, async (request, reply) => {
    const { tenant, rows } = await openData(request);
    return reply
      .type('application/json; charset=utf-8')
      .header('link', `<${LICENCE_URL}>; rel="license"`)
      .send(openDataJson(tenant, rows, `${requestBaseUrl(services.config, request)}${RESULTS_PATH}`));
  });
}

/** What the drill-down needs of a published document: its two periods. */
type PeriodsOf = Pick<ResultsDocument, 'current' | 'previous'> | Pick<SiteResultsDocument, 'current' | 'previous'>;

export function registerResultsAgentRoutes(scope: FastifyInstance, services: Services): void {
  /**
   * The scopes an agent may open on the dashboard: '' (all) for administrators, then services,
   * then for those who see the whole collectivité its sites (`lieu:<id>`): a site serves every
   * service.
   */
  async function scopesOf(request: FastifyRequest, agent: SessionAgent): Promise<DashboardScope[]> {
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    const { all, sites } = await inTenant(services.db, tenantId, async (trx) => ({
      all: await listServices(trx, null),
      sites: await activeSites(trx),
    }));
    const allowed = all.filter((s) =>
      can(actor, 'view_results_dashboard', { kind: 'service_scope', tenantId, serviceId: s.id }),
    );
    const everything = can(actor, 'view_results_dashboard', { kind: 'service_scope', tenantId, serviceId: null });
    if (!everything && allowed.length === 0)
      throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
    return [
      ...(everything ? [{ value: '', label: 'Toute la collectivité', group: null }] : []),
      ...allowed.map((s) => ({ value: s.id, label: s.name, group: 'service' as const })),
      ...(everything
        ? sites.map((s) => ({ value: `${SITE_SCOPE}${s.id}`, label: s.name, group: 'lieu' as const }))
        : []),
    ];
  }

  /** The site of a `lieu:<id>` scope, or null for the collectivité or a service. */
  const siteOf = (chosen: string): string | null =>
    chosen.startsWith(SITE_SCOPE) ? chosen.slice(SITE_SCOPE.length) : null;

  /** The scope asked for, if allowed; an unknown or forbidden one is refused like a missing page. */
  function chosenScope(request: FastifyRequest, scopes: { value: string }[]): string {
    const asked = queryParam(request, 'service');
    const chosen = asked === '' && !scopes.some((s) => s.value === '') ? scopes[0]!.value : asked;
    if (!scopes.some((s) => s.value === chosen))
      throw new AppError('not_found', 'Ce périmètre n’existe pas ou ne vous est pas ouvert.');
    return chosen;
  }

  scope.get(DASHBOARD_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const scopes = await scopesOf(request, agent);
    const chosen = chosenScope(request, scopes);
    const siteId = siteOf(chosen);
    const doc = await inTenant(services.db, tenant.id, async (trx) =>
      siteId
        ? { kind: 'site' as const, doc: await readPublishedSite(trx, siteId) }
        : { kind: 'scope' as const, doc: await readPublished(trx, chosen === '' ? 'commune' : `service:${chosen}`) },
    );
    return sendHtml(
      reply,
      dashboardPage(agentContext(request, agent), {
        shown: doc,
        scopes,
        scope: chosen,
        audience: agent.role === 'admin' ? 'admin' : 'supervisor',
      }),
    );
  });

  async function drillDown(request: FastifyRequest, limit: number) {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const scopes = await scopesOf(request, agent);
    const chosen = chosenScope(request, scopes);
    const raw = queryParam(request, 'indicateur');
    const [name, channel] = raw.startsWith('volumes-') ? ['volumes', raw.slice('volumes-'.length)] : [raw, null];
    if (!Object.hasOwn(DRILL_INDICATORS, name) || (channel !== null && !Object.hasOwn(CHANNEL_LABELS, channel)))
      throw new AppError('not_found', 'Cet indicateur n’existe pas.');
    const siteId = siteOf(chosen);
    // A site's figures open on the answers given there (its other figures are the counter's page).
    if (siteId && name !== 'satisfaction') throw new AppError('not_found', 'Cet indicateur n’existe pas pour un lieu.');
    const periodName = queryParam(request, 'periode') === 'precedente' ? 'precedente' : 'courante';
    const doc = await inTenant(services.db, tenant.id, async (trx): Promise<PeriodsOf | null> =>
      siteId ? readPublishedSite(trx, siteId) : readPublished(trx, chosen === '' ? 'commune' : `service:${chosen}`),
    );
    // The published period when there is one, else the last twelve months up to today.
    const today = parisDay(services.clock.now());
    const period = doc
      ? periodName === 'courante'
        ? doc.current
        : doc.previous
      : { from: `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, to: today };
    const drill = await inTenant(services.db, tenant.id, (trx) =>
      readDrillDown(trx, {
        indicator: name as DrillIndicator,
        channel,
        from: period.from,
        to: period.to,
        serviceId: chosen === '' || siteId ? null : chosen,
        siteId,
        limit,
      }),
    );
    return { agent, drill, period, chosen };
  }

  scope.get(`${DASHBOARD_PATH}/detail`, async (request, reply) => {
    const { agent, drill, period, chosen } = await drillDown(request, PAGE_ROWS);
    const query = new URLSearchParams(request.query as Record<string, string>);
    return sendHtml(
      reply,
      drillDownPage(agentContext(request, agent), {
        drill,
        from: period.from,
        to: period.to,
        limit: PAGE_ROWS,
        csvHref: url(request, `${DASHBOARD_PATH}/detail.csv?${query.toString()}`),
        backHref: url(request, `${DASHBOARD_PATH}${chosen ? `?service=${chosen}` : ''}`),
      }),
    );
  });

  scope.get(`${DASHBOARD_PATH}/detail.csv`, async (request, reply) => {
    const { drill, period } = await drillDown(request, CSV_ROWS);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        attachmentDisposition(`resultats-${queryParam(request, 'indicateur')}-${period.from}-${period.to}.csv`),
      )
      .send(toCsv(drill.columns, drill.rows));
  });

  async function missedCallServices(request: FastifyRequest, agent: SessionAgent) {
    const tenantId = requireTenant(request).id;
    const actor = agentActor(tenantId, agent);
    const list = await inTenant(services.db, tenantId, (trx) => listServices(trx, null));
    return {
      services: list.filter((s) =>
        can(actor, 'record_missed_calls', { kind: 'service_scope', tenantId, serviceId: s.id }),
      ),
      allowAll: can(actor, 'record_missed_calls', { kind: 'service_scope', tenantId, serviceId: null }),
    };
  }

  scope.get(MISSED_CALLS_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const choices = await missedCallServices(request, agent);
    if (choices.services.length === 0 && !choices.allowAll)
      throw new AppError('forbidden', 'Vous ne travaillez pour aucun service : demandez à un administrateur.');
    return sendHtml(
      reply,
      missedCallsPage(agentContext(request, agent), {
        values: { jour: parisDay(services.clock.now()), appels: '', service: choices.services[0]?.id ?? '' },
        errors: [],
        ...choices,
        ...(queryParam(request, 'fait') === '1' ? { notice: 'Les appels sans réponse sont notés.' } : {}),
      }),
    );
  });

  scope.post(MISSED_CALLS_PATH, async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const choices = await missedCallServices(request, agent);
    const { fields } = readFormBody(request);
    const values: MissedCallsValues = {
      jour: typedValue(fields, 'jour', 20),
      appels: typedValue(fields, 'appels', 20),
      service: typedValue(fields, 'service', 60),
    };
    const again = (errors: FieldError[]) =>
      sendHtml(reply, missedCallsPage(agentContext(request, agent), { values, errors, ...choices }), 400);
    const form = parseForm(missedCallsForm, fields);
    if (!form.ok) return again(form.errors);
    const serviceId = form.value.service === '' ? null : form.value.service;
    if (serviceId !== null && !UUID.test(serviceId))
      return again([{ field: 'service', message: 'Choisissez un service de la liste.' }]);
    if (
      !can(agentActor(tenant.id, agent), 'record_missed_calls', {
        kind: 'service_scope',
        tenantId: tenant.id,
        serviceId,
      })
    )
      return again([{ field: 'service', message: 'Choisissez un de vos services.' }]);
    const result = await inTenant(services.db, tenant.id, (trx) =>
      recordMissedCalls(trx, {
        tenantId: tenant.id,
        agentId: agent.id,
        day: form.value.jour as string,
        calls: Number(form.value.appels),
        serviceId,
        today: parisDay(services.clock.now()),
      }),
    );
    if (!result.ok) return again(result.errors);
    return reply.redirect(url(request, `${MISSED_CALLS_PATH}?fait=1`), 303);
  });
}
