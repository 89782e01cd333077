import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AppError } from '../errors.ts';
import type { Tenant } from '../tenant.ts';
import { CSRF_COOKIE, CSRF_FIELD, csrfTokenFor, isValidCsrfToken, newCsrfCookieValue } from './csrf.ts';
import { fieldValue, readFormBody, type FormFields } from './form-body.ts';
import type { PageContext } from './layout.ts';
import { checkRequestHost } from './public-url.ts';

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
    /** The signed-in citizen's name for the page header, once the citizens module has looked the session up. */
    signedInCitizen: { name: string } | null;
  }
  interface FastifyContextConfig {
    /** Platform routes are served without a tenant. */
    platform?: boolean;
    /**
     * The form is authorised by a secret it carries itself (the tracking code), not by a cookie:
     * a forged post has no ambient authority to borrow, so it needs no CSRF token and its page
     * sets no cookie. A post the browser marks as cross-site is refused all the same.
     * Decision 15.
     */
    authorisedByFormSecret?: boolean;
  }
}

/** How the request context finds a tenant (modules/tenants/resolve-tenant.ts implements it). */
export interface TenantLookup {
  byHost(host: string): Promise<Tenant | null>;
  bySlug(slug: string): Promise<Tenant | null>;
}

const HOST_REFUSED = 'Ce site n’est pas servi à cette adresse. Vérifiez l’adresse saisie dans votre navigateur.';
const TENANT_PREFIX = /^\/t\/([a-z0-9][a-z0-9-]*)(?=\/|\?|$)/;

/**
 * Fastify's `rewriteUrl`: tenants can be addressed as /t/<slug>/… (local use); the prefix is
 * stripped before routing and remembered on the raw request for the tenant hook.
 */
export function stripTenantPrefix(req: { url?: string }): string {
  const url = req.url ?? '/';
  const m = TENANT_PREFIX.exec(url);
  if (!m) return url;
  (req as { tenantSlug?: string }).tenantSlug = m[1];
  const rest = url.slice(m[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * Decorates every request with its tenant, URL prefix and lazy CSRF token, and refuses a
 * state-changing form post without a valid CSRF token (the JSON API does not use cookies).
 */
export function registerRequestContext(app: FastifyInstance, deps: { config: Config; tenants: TenantLookup }): void {
  const { config, tenants } = deps;
  app.decorateRequest('tenant', null);
  app.decorateRequest('base', '');
  app.decorateRequest('csrfState', null);
  app.decorateRequest('signedInCitizen', null);
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest): string {
      const state = this.csrfState;
      if (!state) return '';
      state.token ??= issueCsrfToken(this, state.reply, config);
      return state.token;
    },
  });

  app.decorateRequest('tenantEntry', null);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.platform || request.url.startsWith('/static/')) return;
    // The host must be the tenant's or the platform's: links are never built from it
    // (platform/web/public-url.ts), and a host nobody configured is refused outright.
    const host = checkRequestHost(config, request.host);
    if (!host) throw new AppError('invalid_host', HOST_REFUSED);
    const slug = (request.raw as { tenantSlug?: string }).tenantSlug;
    const tenant = slug ? await tenants.bySlug(slug) : await tenants.byHost(host.name);
    if (!tenant && !slug && !host.platform) throw new AppError('invalid_host', HOST_REFUSED);
    if (!tenant) throw new AppError('tenant_not_found', "Aucune collectivité n'est servie à cette adresse.");
    if (slug && !host.platform && (await tenants.byHost(host.name))?.id !== tenant.id) {
      throw new AppError('invalid_host', HOST_REFUSED);
    }
    request.tenant = tenant;
    request.base = slug ? `/t/${tenant.slug}` : '';
    // By host, host.name equals the tenant_hosts row it was found as.
    request.tenantEntry = slug ? { slug: tenant.slug } : { host: host.name };
    request.csrfState = { reply, token: null };
  });

  // Urlencoded forms here; multipart ones were checked before their first file (uploads.ts), and again here.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method === 'POST') {
      try {
        checkCsrf(config, request, readFormBody(request).fields);
      } catch (err) {
        done(err as Error);
        return;
      }
    }
    done();
  });
}

/** Every state-changing form carries the CSRF token; the JSON API does not use cookies. */
export function checkCsrf(config: Pick<Config, 'sessionSecret'>, request: FastifyRequest, fields: FormFields): void {
  if (request.method !== 'POST' || request.url.startsWith('/api/') || request.routeOptions.config.platform) return;
  if (request.routeOptions.config.authorisedByFormSecret) {
    if (isCrossSitePost(request)) throw new AppError('invalid_csrf_token', CSRF_REFUSED);
    return;
  }
  if (!isValidCsrfToken(config.sessionSecret, request.cookies[CSRF_COOKIE], fieldValue({ fields }, CSRF_FIELD))) {
    throw new AppError('invalid_csrf_token', CSRF_REFUSED);
  }
}

const CSRF_REFUSED = 'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page puis envoyez-le à nouveau.';

/**
 * A post sent from another site, as the browser tells: `Sec-Fetch-Site` (every current browser),
 * else an `Origin` whose host is not the one the post was sent to. Clients that send neither
 * (old browsers, scripts) are not browsers carrying someone else's authority.
 */
function isCrossSitePost(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    // Through URL both sides drop a default port (`localhost:80` is `localhost`).
    return new URL(origin).host !== new URL(`${request.protocol}://${request.host}`).host;
  } catch {
    return true;
  }
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

/** What every view needs from the request: tenant, URL prefix, CSRF token, nonce, signed-in citizen. */
export function pageContext(request: FastifyRequest): PageContext {
  const tenant = requireTenant(request);
  return {
    tenant,
    base: request.base,
    get csrfToken() {
      return request.csrfToken;
    },
    cspNonce: request.cspNonce,
    citizen: request.signedInCitizen,
  };
}

export function requireTenant(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new AppError('tenant_not_found', 'Collectivité inconnue.');
  return request.tenant;
}
