import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { can } from '../authorization.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { publishArticle } from '../knowledge/publish-article.ts';
import { listDemarchesToReview } from './publish-demarche.ts';
import { reviewPage } from './views/review-page.ts';
import { demarchePreviewPage } from './views/demarche-page.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function requirePublisher(request: FastifyRequest, services: Services): Promise<SessionAgent> {
  const agent = await requireAgent(request, services);
  const tenantId = request.tenant?.id ?? '';
  if (!can(agentActor(tenantId, agent), 'publish_demarches', { kind: 'tenant', tenantId }))
    throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
  return agent;
}

/**
 * The administrators' review of the catalogue: the pages « à vérifier » and their publication.
 * Registered inside the agents' scope (its login redirects and no-store cache header).
 */
export function registerCatalogueAdminRoutes(scope: FastifyInstance, services: Services): void {
  scope.get('/agent/admin/demarches', async (request, reply) => {
    const agent = await requirePublisher(request, services);
    const tenant = requireTenant(request);
    const pages = await inTenant(services.db, tenant.id, (trx) => listDemarchesToReview(trx));
    const published = queryParam(request, 'publiee');
    return sendHtml(
      reply,
      reviewPage(
        { ...pageContext(request), agent: { name: agent.name } },
        { pages, notice: published === '1' ? 'La démarche est publiée : les habitants la voient.' : undefined },
      ),
    );
  });

  // Any page of the catalogue, published or not, with its readability in detail.
  scope.get('/agent/admin/demarches/:id/apercu', async (request, reply) => {
    const agent = await requirePublisher(request, services);
    const tenant = requireTenant(request);
    const id = (request.params as { id: string }).id;
    const notFound = () => new AppError('not_found', 'Cette démarche n’existe pas.');
    if (!UUID.test(id)) throw notFound();
    const found = await inTenant(services.db, tenant.id, async (trx) => {
      const demarche = await trx.selectFrom('demarches').selectAll().where('id', '=', id).executeTakeFirst();
      if (!demarche || demarche.kind === 'contact') return null;
      const service = await trx
        .selectFrom('services')
        .selectAll()
        .where('id', '=', demarche.service_id)
        .executeTakeFirst();
      return { demarche, service };
    });
    if (!found) throw notFound();
    return sendHtml(
      reply,
      demarchePreviewPage({ ...pageContext(request), agent: { name: agent.name } }, found.demarche, found.service),
    );
  });

  scope.post('/agent/admin/demarches/:id/publier', async (request, reply) => {
    const agent = await requirePublisher(request, services);
    const tenant = requireTenant(request);
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) throw new AppError('not_found', 'Cette démarche n’existe pas ou est déjà publiée.');
    // The same use case as « Publier » in the knowledge base: the page's latest version goes live.
    await inTenant(services.db, tenant.id, async (trx) => {
      const page = await trx.selectFrom('demarches').select('published_at').where('id', '=', id).executeTakeFirst();
      if (!page || page.published_at !== null)
        throw new AppError('not_found', 'Cette démarche n’existe pas ou est déjà publiée.');
      return publishArticle(trx, { tenantId: tenant.id, demarcheId: id, agentId: agent.id, now: services.clock.now() });
    });
    // This process answers at once; others within their caches' minute.
    // The page was cached as "not found" by this process: forget the cached catalogue rows.
    services.caches.clear();
    return reply.redirect(url(request, '/agent/admin/demarches?publiee=1'), 303);
  });
}
