import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import type { Db } from './db/tenant-scope.ts';
import { registerAgentRoutes } from './modules/agents/routes.ts';
import { registerApiRoutes } from './modules/api/routes.ts';
import { registerCatalogueRoutes } from './modules/catalogue/routes.ts';
import { registerCitizenRoutes } from './modules/citizens/routes.ts';
import { currentSession } from './modules/agents/require-agent.ts';
import { currentCitizen, signedInCitizenHeader } from './modules/citizens/sessions.ts';
import { registerIdentityRoutes } from './modules/identity/routes.ts';
import { registerPortalPages } from './modules/portal/routes.ts';
import { registerPrivacyRoutes } from './modules/privacy/routes.ts';
import { registerRequestRoutes } from './modules/requests/routes.ts';
import type { Tenant } from './modules/tenants/tenant.ts';
import type { TenantResolver } from './modules/tenants/resolve-tenant.ts';
import type { Clock } from './platform/clock.ts';
import { AppError, isDatabaseUnavailable } from './platform/errors.ts';
import type { MailOutboxWorker } from './platform/mail.ts';
import type { SessionCache } from './platform/session-cache.ts';
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor, isValidCsrfToken, newCsrfCookieValue } from './platform/web/csrf.ts';
import { registerSecurity } from './platform/security/index.ts';
import { renderErrorPage } from './platform/web/error-page.ts';
import { fieldValue, readFormBody, type FormFields } from './platform/web/form-body.ts';
import { registerUploads } from './platform/web/uploads.ts';
import type { PageContext } from './platform/web/layout.ts';

/** Everything the routes need, wired by hand in main.ts (and by the test harness). */
export interface Services {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  tenants: TenantResolver;
  mail: MailOutboxWorker;
  clock: Clock;
  /** Agent and citizen sessions this process has checked, invalidated by PostgreSQL notifications. */
  sessionCache: SessionCache;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The collectivité this request is for; null only on platform routes (/healthz, /static). */
    tenant: Tenant | null;
    /** URL prefix of the tenant's pages: '' or '/t/<slug>'. */
    base: string;
    /**
     * The CSRF token of this request's forms. Issued on first read: a page without a
     * state-changing form (most public pages) sets no CSRF cookie and computes no token.
     */
    readonly csrfToken: string;
    /** Where the lazy CSRF token is kept; set by the tenant hook. */
    csrfState: { reply: FastifyReply; token: string | null } | null;
  }
  interface FastifyContextConfig {
    /** Platform routes are served without a tenant. */
    platform?: boolean;
  }
}

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'platform', 'assets');
const TENANT_PREFIX = /^\/t\/([a-z0-9][a-z0-9-]*)(?=\/|\?|$)/;

export function pageContext(request: FastifyRequest): PageContext {
  if (!request.tenant) throw new AppError('tenant_not_found', 'Collectivité inconnue.');
  return {
    tenant: request.tenant,
    base: request.base,
    get csrfToken() {
      return request.csrfToken;
    },
    cspNonce: request.cspNonce,
    citizen: signedInCitizenHeader(request),
  };
}

export function requireTenant(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new AppError('tenant_not_found', 'Collectivité inconnue.');
  return request.tenant;
}

/** Builds the HTTP application. Does not listen: main.ts does, tests use inject(). */
export async function createApp(
  services: Services,
  options: {
    logger?: Logger | false;
    /** Told of every route as it is registered (the route matrix test lists them this way). */
    onRoute?: (route: { method: string | string[]; url: string }) => void;
  } = {},
): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: (options.logger || undefined) as FastifyBaseLogger | undefined,
    logger: options.logger === undefined ? { level: config.logLevel } : options.logger === false ? false : undefined,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    // Tenants can be addressed as /t/<slug>/… (local use): the prefix is stripped before routing.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      const m = TENANT_PREFIX.exec(url);
      if (!m) return url;
      (req as { tenantSlug?: string }).tenantSlug = m[1];
      const rest = url.slice(m[0].length);
      return rest.startsWith('/') ? rest : `/${rest}`;
    },
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    // A malformed URL (bad percent-encoding, a parameter over 100 characters) gets the same plain
    // error page as any other refusal, not Fastify's bare JSON.
    frameworkErrors: (err, request, reply) => {
      void sendError(request, reply, toAppError(err, config), config);
    },
  });
  if (options.onRoute) {
    const listener = options.onRoute;
    app.addHook('onRoute', (route) => listener({ method: route.method, url: route.url }));
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.decorateRequest('tenant', null);
  app.decorateRequest('base', '');
  app.decorateRequest('csrfState', null);
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest): string {
      const state = this.csrfState;
      if (!state) return '';
      state.token ??= issueCsrfToken(this, state.reply, config);
      return state.token;
    },
  });

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
  // Every state-changing form carries the CSRF token; the JSON API does not use cookies.
  const checkCsrf = (request: FastifyRequest, fields: FormFields) => {
    if (request.method !== 'POST' || request.url.startsWith('/api/') || request.routeOptions.config.platform) return;
    if (!isValidCsrfToken(config.sessionSecret, request.cookies[CSRF_COOKIE], fieldValue({ fields }, CSRF_FIELD))) {
      throw new AppError(
        'invalid_csrf_token',
        'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page puis envoyez-le à nouveau.',
      );
    }
  };
  // Multipart only on routes declaring `config.files`, read after the CSRF check (see uploads.ts).
  await registerUploads(app, {
    maxBytes: config.uploadMaxBytes,
    maxTotalBytes: config.uploadMaxTotalBytes,
    verifyForm: checkCsrf,
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

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.platform || request.url.startsWith('/static/')) return;
    const slug = (request.raw as { tenantSlug?: string }).tenantSlug;
    const tenant = slug ? await services.tenants.bySlug(slug) : await services.tenants.byHost(request.hostname);
    if (!tenant) throw new AppError('tenant_not_found', "Aucune collectivité n'est servie à cette adresse.");
    request.tenant = tenant;
    request.base = slug ? `/t/${tenant.slug}` : '';
    request.csrfState = { reply, token: null };
  });

  // Urlencoded forms here; multipart ones were checked before their first file, and again here.
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST') checkCsrf(request, readFormBody(request).fields);
  });

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
  registerCatalogueRoutes(app, services);
  registerPortalPages(app, services);
  registerRequestRoutes(app, services);
  registerAgentRoutes(app, services);
  registerCitizenRoutes(app, services);
  registerIdentityRoutes(app, services);
  registerPrivacyRoutes(app, services);

  app.setNotFoundHandler(async (request, reply) => {
    return sendError(request, reply, new AppError('not_found', "Cette page n'existe pas."), config);
  });
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const appError = toAppError(err, config);
    if (appError.code === 'internal_error') request.log.error({ err }, 'unhandled error');
    else if (appError.code === 'database_unavailable') request.log.warn({ err }, 'database unavailable');
    return sendError(request, reply, appError, config);
  });

  return app;
}

/** The CSRF token for the request's forms; sets the cookie it is derived from when missing. */
function issueCsrfToken(request: FastifyRequest, reply: FastifyReply, config: Config): string {
  let csrfCookie = request.cookies[CSRF_COOKIE];
  if (!csrfCookie || !/^[\w-]{32}$/.test(csrfCookie)) {
    csrfCookie = newCsrfCookieValue();
    request.cookies[CSRF_COOKIE] = csrfCookie;
    reply.setCookie(CSRF_COOKIE, csrfCookie, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.env === 'production',
    });
  }
  return csrfTokenFor(config.sessionSecret, csrfCookie);
}

function toAppError(err: FastifyError, config: Config): AppError {
  if (err instanceof AppError) return err;
  if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
    const mb = Math.round((config.uploadMaxBytes / 1024 / 1024) * 10) / 10;
    return new AppError(
      'payload_too_large',
      `Le fichier envoyé est trop lourd : la taille maximale est de ${mb} Mo par fichier. Réduisez-le (par exemple en le scannant en noir et blanc) puis envoyez-le à nouveau.`,
    );
  }
  if (err.validation)
    return new AppError('validation_failed', 'Les données envoyées ne sont pas valides.', err.validation);
  if (err.statusCode === 429) return new AppError('rate_limited', err.message);
  if (isDatabaseUnavailable(err)) {
    return new AppError(
      'database_unavailable',
      'Le service est momentanément indisponible. Vos données n’ont pas été perdues : réessayez dans quelques minutes.',
    );
  }
  if (err.statusCode === 404) return new AppError('not_found', "Cette page n'existe pas.");
  if (err.statusCode === 415) return new AppError('unsupported_file_type', 'Ce type de contenu n’est pas accepté.');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('validation_failed', 'La requête n’est pas valide.');
  }
  return new AppError('internal_error', 'Une erreur inattendue est survenue. Réessayez plus tard.');
}

function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

async function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError, config: Config) {
  reply.code(error.status);
  if (error.code === 'rate_limited' && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
  if (wantsJson(request)) {
    return reply.send({
      error: {
        code: error.code,
        message: error.message,
        ...(error.code === 'validation_failed' && error.details ? { details: error.details } : {}),
      },
    });
  }
  return reply.type('text/html; charset=utf-8').send(renderErrorPage(request, error, config).toString());
}
