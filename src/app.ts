import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { agentArea } from './modules/agents/agent-area.ts';
import { registerAgentRoutes } from './modules/agents/routes.ts';
import { registerApiRoutes } from './modules/api/routes.ts';
import { registerAppointmentRoutes } from './modules/appointments/routes.ts';
import { registerCounterApiRoutes } from './modules/counter/api-routes.ts';
import { registerCatalogueAdminRoutes } from './modules/catalogue/admin-routes.ts';
import { registerCatalogueRoutes } from './modules/catalogue/routes.ts';
import { registerCitizenRoutes } from './modules/citizens/routes.ts';
import { registerConsultationAdminRoutes, registerConsultationPublicRoutes } from './modules/consultations/routes.ts';
import { registerCounterDisplayRoutes, registerCounterRoutes } from './modules/counter/routes.ts';
import { currentAgent, currentSession } from './modules/agents/require-agent.ts';
import { currentCitizen } from './modules/citizens/sessions.ts';
import { registerFranceConnectRoutes } from './modules/identity/routes.ts';
import { registerMailboxAdminRoutes } from './modules/inbound-mail/admin-routes.ts';
import { registerInboxRoutes } from './modules/inbox/routes.ts';
import { registerJobAdminRoutes } from './modules/jobs/routes.ts';
import { registerKnowledgeRoutes } from './modules/knowledge/routes.ts';
import { registerAuditRoutes } from './modules/audit/routes.ts';
import { registerDeadlineRoutes } from './modules/deadlines/routes.ts';
import { registerArticleSearchRoutes, registerArticleSuggestRoutes } from './modules/article-search/routes.ts';
import { registerPortalPages } from './modules/portal/routes.ts';
import { registerPrivacyRoutes } from './modules/privacy/routes.ts';
import { registerStateDataRoutes } from './modules/state-data/routes.ts';
import { registerReplyAdminRoutes } from './modules/replies/routes.ts';
import { registerRoutingRoutes } from './modules/routing/routes.ts';
import { registerRequestRoutes } from './modules/requests/routes.ts';
import { registerSearchRoutes } from './modules/search/routes.ts';
import { registerPeopleRoutes } from './modules/people/routes.ts';
import { registerReadabilityRoutes } from './modules/readability/routes.ts';
import { registerAssistantRoutes } from './modules/assistant/routes.ts';
import { registerTenantAdminRoutes } from './modules/tenants/admin-routes.ts';
import { registerTriageRoutes } from './modules/triage/routes.ts';
import { registerComplaintRoutes } from './modules/complaints/routes.ts';
import { registerExperienceAgentRoutes, registerExperienceRoutes } from './modules/experiences/routes.ts';
import { registerSatisfactionAgentRoutes, registerSatisfactionRoutes } from './modules/satisfaction/routes.ts';
import { registerResultsAgentRoutes, registerResultsRoutes } from './modules/results/routes.ts';
import { AppError } from './platform/errors.ts';
import { serializeRequest } from './platform/logging.ts';
import { registerSecurity } from './platform/security/index.ts';
import { frameworkErrorHandler, registerErrorHandling } from './platform/web/error-handler.ts';
import { checkCsrf, registerRequestContext, stripTenantPrefix } from './platform/web/request-context.ts';
import type { Services } from './services.ts';
import { registerUploads } from './platform/web/uploads.ts';

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'platform', 'assets');

/** Builds the HTTP application. Does not listen: main.ts does, tests use inject(). */
export async function createApp(
  services: Services,
  options: {
    logger?: Logger | false;
    /** Told of every route as it is registered (the route matrix test lists them this way). */
    onRoute?: (route: { method: string | string[]; url: string; config?: unknown }) => void;
  } = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: (options.logger || undefined) as FastifyBaseLogger | undefined,
    // A logger made by createLogger carries the redacting request serializer; a default one gets it here.
    logger:
      options.logger === undefined
        ? { level: config.logLevel, serializers: { req: serializeRequest } }
        : options.logger === false
          ? false
          : undefined,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    rewriteUrl: stripTenantPrefix,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler(config),
  });
  if (options.onRoute) {
    const listener = options.onRoute;
    app.addHook('onRoute', (route) => listener({ method: route.method, url: route.url, config: route.config }));
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  // After the cookie plugin (its onSend writes Set-Cookie, which ours then checks) and before
  // @fastify/rate-limit (its onRoute hook reads the limits the security rules add).
  registerSecurity(
    app,
    config,
    async (request) =>
      (await currentSession(request, services)) !== null || (await currentCitizen(request, services)) !== null,
  );
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  // Multipart only on routes declaring `config.files`, read after the CSRF check (see uploads.ts).
  await registerUploads(app, {
    maxBytes: config.uploadMaxBytes,
    maxTotalBytes: config.uploadMaxTotalBytes,
    verifyForm: (request, fields) => checkCsrf(config, request, fields),
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(
        new AppError('rate_limited', `Trop de tentatives. Réessayez dans ${Math.ceil(ctx.ttl / 1000)} secondes.`),
        { statusCode: 429 },
      ),
  });
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: '/static/',
    maxAge: '1d',
    decorateReply: false,
  });

  registerRequestContext(app, { config, tenants: services.tenants });

  app.get('/healthz', { config: { platform: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { platform: true }, schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      return { status: 'ready', database: services.database.kind };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: services.database.kind });
    }
  });

  await registerApiRoutes(app, services);
  registerTriageRoutes(app, services);
  registerCatalogueRoutes(app, services);
  registerArticleSuggestRoutes(app, services);
  registerPortalPages(app, services);
  registerConsultationPublicRoutes(app, services);
  registerRequestRoutes(app, services);
  registerAgentRoutes(app, services);
  agentArea(app, (scope) => registerCatalogueAdminRoutes(scope, services));
  agentArea(app, (scope) => registerJobAdminRoutes(scope, services));
  agentArea(app, (scope) => registerTenantAdminRoutes(scope, services));
  agentArea(app, (scope) => registerMailboxAdminRoutes(scope, services));
  agentArea(app, (scope) => registerAuditRoutes(scope, services));
  agentArea(app, (scope) => registerDeadlineRoutes(scope, services));
  registerSatisfactionRoutes(app, services);
  agentArea(app, (scope) => registerSatisfactionAgentRoutes(scope, services));
  registerResultsRoutes(app, services);
  agentArea(app, (scope) => registerResultsAgentRoutes(scope, services));
  agentArea(app, (scope) => registerReplyAdminRoutes(scope, services));
  agentArea(app, (scope) => registerRoutingRoutes(scope, services));
  agentArea(app, (scope) => registerSearchRoutes(scope, services));
  agentArea(app, (scope) => registerInboxRoutes(scope, services));
  agentArea(app, (scope) => registerPeopleRoutes(scope, services));
  agentArea(app, (scope) => registerReadabilityRoutes(scope, services));
  agentArea(app, (scope) => registerKnowledgeRoutes(scope, services));
  agentArea(app, (scope) => registerArticleSearchRoutes(scope, services));
  agentArea(app, (scope) => registerConsultationAdminRoutes(scope, services));
  agentArea(app, (scope) => registerCounterRoutes(scope, services));
  registerCounterDisplayRoutes(app, services);
  agentArea(app, (scope) => registerExperienceAgentRoutes(scope, services));
  agentArea(app, (scope) => registerComplaintRoutes(scope, services));
  registerCitizenRoutes(app, services);
  registerFranceConnectRoutes(app, services);
  registerPrivacyRoutes(app, services);
  registerStateDataRoutes(app, services);
  registerAppointmentRoutes(app, services);
  registerCounterApiRoutes(app, services);
  registerAssistantRoutes(app, services);
  registerExperienceRoutes(app, services);

  registerErrorHandling(app, config, async (request) => {
    const agent = await currentAgent(request, services);
    return agent ? { name: agent.name } : null;
  });

  return app;
}
