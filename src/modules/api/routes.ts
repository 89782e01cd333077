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
  serviceListSchema,
  slugParamsSchema,
  validationErrorResponse,
} from './schemas.ts';
import { registerApiRequestRoutes } from './request-routes.ts';
import { rejectInvalid } from './validation.ts';
import { renderApiDocs } from './views/docs-page.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

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
