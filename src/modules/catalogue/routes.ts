import { motifsOfDemarche } from '../appointments/repository.ts';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext } from '../../platform/web/request-context.ts';
import type { DemarcheRow, ServiceRow } from '../../db/schema.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { parseForm, type SubmittedFields } from '../../platform/web/form.ts';
import { searchQuery } from './forms.ts';
import { sendHtml } from '../../platform/web/reply.ts';
import {
  findDemarcheBySlug,
  isShownToCitizens,
  listMostRequested,
  listPublicDemarches,
  listServices,
} from './repository.ts';
import { listLinkedPages } from '../knowledge/repository.ts';
import { searchArticles } from '../article-search/search-articles.ts';
import { LIFE_EVENTS } from './taxonomy.ts';
import { cataloguePage } from './views/catalogue-page.ts';
import { demarchePage } from './views/demarche-page.ts';
import { homePage } from './views/home-page.ts';
import { lifeEventPage } from './views/life-event-page.ts';
import { searchPage } from './views/search-page.ts';

const HTML = 'text/html; charset=utf-8';

function notFound(): AppError {
  return new AppError(
    'demarche_not_found',
    "Cette démarche n'existe pas. Retrouvez toutes les démarches dans le catalogue.",
  );
}

/** Services that have at least one public page, each with its pages, in the services' order. */
function groupByService(services: ServiceRow[], demarches: DemarcheRow[]) {
  return services
    .map((service) => ({ service, demarches: demarches.filter((d) => d.service_id === service.id) }))
    .filter((g) => g.demarches.length > 0);
}

type PublishedPage = {
  demarche: DemarcheRow;
  service: ServiceRow | undefined;
  /** « Voir aussi »: the linked pages citizens may read. */
  related: { slug: string; title: string }[];
  /** The démarche is done by appointment: « Prendre rendez-vous ». */
  bookable: boolean;
} | null;

export function registerCatalogueRoutes(app: FastifyInstance, services: Services): void {
  app.get('/', async (request, reply) => {
    const ctx = pageContext(request);
    // The home page is the most visited and the same for every visitor of a commune: its rows
    // (every public page, read whole) are kept a minute, like the démarche pages'. Publishing a
    // page clears the caches (admin-routes.ts).
    const homes = services.caches.named<Parameters<typeof homePage>[1]>('portal-home', { ttlMs: 60_000 });
    const data = await homes.getOrLoad(ctx.tenant.id, () =>
      inTenant(services.db, ctx.tenant.id, async (trx) => {
        // One connection per transaction: queries run one after the other.
        const popular = await listMostRequested(trx, 6);
        const all = await listPublicDemarches(trx);
        const serviceRows = await listServices(trx);
        const lifeEvents = LIFE_EVENTS.filter((e) => all.some((d) => d.life_events.includes(e.slug)));
        const withPages = groupByService(serviceRows, all).map((g) => g.service);
        return { popular, lifeEvents, services: withPages };
      }),
    );
    return sendHtml(reply, homePage(ctx, data));
  });

  app.get('/demarches', async (request, reply) => {
    const ctx = pageContext(request);
    const catalogues = services.caches.named<ReturnType<typeof groupByService>>('portal-catalogue', { ttlMs: 60_000 });
    const groups = await catalogues.getOrLoad(ctx.tenant.id, () =>
      inTenant(services.db, ctx.tenant.id, async (trx) =>
        groupByService(await listServices(trx), await listPublicDemarches(trx)),
      ),
    );
    return sendHtml(reply, cataloguePage(ctx, groups));
  });

  app.get<{ Params: { slug: string } }>('/demarches/:slug', async (request, reply) => {
    const ctx = pageContext(request);
    const { slug } = request.params;
    if (!/^[a-z0-9-]{1,100}$/.test(slug)) throw notFound();
    // Démarche pages change rarely and are the most visited: their rows are kept a minute.
    const publishedPages = services.caches.named<PublishedPage>('published-pages', { ttlMs: 60_000 });
    const found = await publishedPages.getOrLoad(`${ctx.tenant.id}:${slug}`, () =>
      inTenant(services.db, ctx.tenant.id, async (trx) => {
        const demarche = await findDemarcheBySlug(trx, slug);
        if (!demarche || !isShownToCitizens(demarche)) return null;
        const service = await trx
          .selectFrom('services')
          .selectAll()
          .where('id', '=', demarche.service_id)
          .executeTakeFirst();
        const related = (await listLinkedPages(trx, demarche.id))
          .filter((p) => p.audience === 'public' && p.published)
          .map((p) => ({ slug: p.slug, title: p.title }));
        // Done by appointment: the page offers the booking (modules/appointments).
        const bookable = (await motifsOfDemarche(trx, demarche.id)).length > 0;
        return { demarche, service, related, bookable };
      }),
    );
    // Internal agent sheets are not published: to citizens they do not exist.
    if (!found) throw notFound();
    const page = demarchePage(ctx, found.demarche, found.service, found.related, found.bookable);
    return reply.type(HTML).send(Buffer.isBuffer(page) ? page : page.toString());
  });

  app.get('/recherche', async (request, reply) => {
    const ctx = pageContext(request);
    const parsed = parseForm(searchQuery, (request.query ?? {}) as SubmittedFields);
    const q = parsed.ok ? parsed.value.q : '';
    const searched =
      q === '' ? null : await searchArticles(services, ctx.tenant.id, q, { audience: 'public', limit: 10 });
    // Pages far below the first one are noise for a reader: under a quarter of its score, left out.
    const best = searched?.results[0]?.score ?? 0;
    const found = searched && { ...searched, results: searched.results.filter((r) => r.score >= best / 4) };
    return sendHtml(reply, searchPage(ctx, q, found));
  });

  app.get<{ Params: { slug: string } }>('/evenements/:slug', async (request, reply) => {
    const ctx = pageContext(request);
    const event = LIFE_EVENTS.find((e) => e.slug === request.params.slug);
    if (!event) throw new AppError('not_found', "Cette page n'existe pas.");
    const demarches = await inTenant(services.db, ctx.tenant.id, async (trx) =>
      (await listPublicDemarches(trx)).filter((d) => d.life_events.includes(event.slug)),
    );
    return sendHtml(reply, lifeEventPage(ctx, event, demarches));
  });
}
