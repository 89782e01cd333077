import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../../services.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import { API_PREFIX, swaggerOptions, type OpenApiDocument } from './openapi.ts';
import { getDemarche, listApiServices, listDemarches } from './demarches.ts';
import {
  commonErrorResponses,
  demarcheDetailSchema,
  demarcheListSchema,
  notFoundResponse,
  rateLimitedResponse,
  searchQuerySchema,
  searchResultSchema,
  serviceListSchema,
  slugParamsSchema,
  validationErrorResponse,
} from './schemas.ts';
import { registerApiRequestRoutes } from './request-routes.ts';
import { rejectInvalid } from './validation.ts';
import { renderApiDocs } from './views/docs-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import { url } from '../../platform/web/layout.ts';
import { searchArticles } from '../article-search/search-articles.ts';
import { currentAgent } from '../agents/require-agent.ts';

const tenantNotFound = notFoundResponse('Collectivité inconnue (code « tenant_not_found »).');

/**
 * The public JSON API and its OpenAPI document. Registered before every other module, so that
 * @fastify/swagger (which records routes as they are declared) sees all of them; routes outside
 * /api/v1 are then left out of the document.
 */
export async function registerApiRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(swagger, swaggerOptions);
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    `${API_PREFIX}/services`,
    {
      schema: {
        operationId: 'listServices',
        summary: 'Lister les services',
        description: 'Donne les services de la collectivité, par ordre alphabétique.',
        tags: ['Catalogue'],
        response: { 200: serviceListSchema, 404: tenantNotFound, ...commonErrorResponses },
      },
    },
    async (request) => {
      return { services: await listApiServices(services, requireTenant(request)) };
    },
  );

  api.get(
    `${API_PREFIX}/demarches`,
    {
      schema: {
        operationId: 'listDemarches',
        summary: 'Lister les démarches',
        description:
          'Donne les démarches publiques de la collectivité, par ordre alphabétique. « online » dit si la démarche peut être faite en ligne.',
        tags: ['Catalogue'],
        response: { 200: demarcheListSchema, 404: tenantNotFound, ...commonErrorResponses },
      },
    },
    async (request) => ({ demarches: await listDemarches(services, requireTenant(request)) }),
  );

  api.get(
    `${API_PREFIX}/demarches/:slug`,
    {
      attachValidation: true,
      schema: {
        operationId: 'getDemarche',
        summary: 'Voir une démarche',
        description:
          'Donne la démarche, ses textes et, si elle se fait en ligne, son formulaire : les champs à remplir pour déposer une demande.',
        tags: ['Catalogue'],
        params: slugParamsSchema,
        response: {
          200: demarcheDetailSchema,
          400: validationErrorResponse,
          404: notFoundResponse('Démarche inconnue (code « demarche_not_found ») ou collectivité inconnue.'),
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      return getDemarche(services, requireTenant(request), request.params.slug);
    },
  );

  api.get(
    `${API_PREFIX}/search`,
    {
      attachValidation: true,
      // Anonymous callers are limited (SEARCH_RATE_LIMIT per minute and address); an agent's session is not.
      config: {
        rateLimit: {
          max: services.config.searchRateLimit,
          timeWindow: '1 minute',
          allowList: async (request: FastifyRequest) => (await currentAgent(request, services)) !== null,
        },
      },
      schema: {
        operationId: 'searchArticles',
        summary: 'Chercher dans les pages',
        description:
          'Cherche dans les démarches et pages d’information publiques, en français : accents, fautes de frappe, abréviations (CNI, RDV…) et synonymes de la collectivité compris. Sans session d’agent, le nombre de recherches par minute est limité.',
        tags: ['Catalogue'],
        querystring: searchQuerySchema,
        response: {
          200: searchResultSchema,
          400: validationErrorResponse,
          404: tenantNotFound,
          429: rateLimitedResponse,
          ...commonErrorResponses,
        },
      },
    },
    async (request) => {
      rejectInvalid(request);
      const tenant = requireTenant(request);
      const found = await searchArticles(services, tenant.id, request.query.q, {
        audience: 'public',
        limit: request.query.limit,
      });
      return {
        results: found.results.map((r) => ({
          slug: r.slug,
          title: r.title,
          url: url(request, `/demarches/${r.slug}`),
          score: r.score,
        })),
        answerable: found.answerable,
      };
    },
  );

  registerApiRequestRoutes(app, services);

  app.get('/api/openapi.json', { schema: { hide: true } }, async (request) => apiDocument(app, request));

  app.get('/api/docs', { schema: { hide: true } }, async (request, reply) => {
    const ctx = pageContext(request);
    const page = renderApiDocs(ctx, apiDocument(app, request), requestBaseUrl(services.config, request));
    return reply.type('text/html; charset=utf-8').send(page.toString());
  });
}

/** The generated document, with the server address of the tenant the request came for. */
export function apiDocument(app: FastifyInstance, request: FastifyRequest): OpenApiDocument {
  const doc = app.swagger() as unknown as OpenApiDocument;
  const paths = Object.fromEntries(Object.entries(doc.paths ?? {}).filter(([p]) => p.startsWith(API_PREFIX)));
  return {
    ...doc,
    servers: [{ url: request.base || '/', description: 'Ce site' }],
    paths,
  };
}
