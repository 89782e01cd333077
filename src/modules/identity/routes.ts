import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { Services } from '../../services.ts';
import { pageContext } from '../../platform/web/request-context.ts';
import type { SafeHtml } from '../../platform/html.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { logoutCitizen, useCitizenSession } from '../citizens/session-cookie.ts';
import { CITIZEN_COOKIE } from '../citizens/sessions.ts';
import {
  clearFlowCookie,
  LOGIN_FLOW_COOKIE,
  LOGOUT_FLOW_COOKIE,
  readFlowCookie,
  safeReturnPath,
  setFlowCookie,
} from './flow-cookie.ts';
import { franceConnectFor, FranceConnectUnavailable, type FlowSecrets } from './franceconnect.ts';
import { signInWithFranceConnect } from './sign-in-with-franceconnect.ts';
import { loggedOutPage, loginCancelledPage, loginFailedPage, logoutUnverifiedPage, unavailablePage } from './views.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';

/** Guichet's own page when FranceConnect cannot be used (503). */
export const UNAVAILABLE_PATH = '/connexion/franceconnect/indisponible';

/** An API client (JSON asked for, not HTML): it gets the error as JSON, not a page. */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** Login and logout pages carry the outcome of one flow: never cached. */
function send(reply: FastifyReply, status: number, page: SafeHtml) {
  return sendHtml(reply.header('cache-control', 'no-store'), page, status);
}

/**
 * FranceConnect login for citizens: start, callback, and the return from the provider's logout
 * (POST /deconnexion, in the citizens module, calls logoutThroughFranceConnect).
 */
export function registerFranceConnectRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services;
  // Starting flows is cheap for us but not for the provider: bound it per address.
  const flowLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  /**
   * FranceConnect cannot be used now: a browser is sent to Guichet's own page (never the
   * provider's error, never a browser error page); a JSON client gets a 503 with a stable code.
   */
  const unavailable = (request: FastifyRequest, reply: FastifyReply, retour: string | null) => {
    if (wantsJson(request)) {
      throw new AppError('franceconnect_unavailable', 'FranceConnect est indisponible pour le moment.');
    }
    const query = retour ? `?retour=${encodeURIComponent(retour)}` : '';
    return reply.header('cache-control', 'no-store').redirect(`${request.base}${UNAVAILABLE_PATH}${query}`, 303);
  };

  app.get('/connexion/franceconnect', { config: flowLimit }, async (request, reply) => {
    const ctx = pageContext(request);
    const retour = safeReturnPath(queryParam(request, 'retour'));
    const rp = franceConnectFor(config);
    if (!rp) return unavailable(request, reply, retour);
    try {
      const { url, secrets } = await rp.start(
        `${requestBaseUrl(services.config, request)}/connexion/franceconnect/retour`,
      );
      setFlowCookie(reply, config, LOGIN_FLOW_COOKIE, { t: ctx.tenant.id, ...secrets, retour }, services.clock.now());
      return reply.redirect(url, 303);
    } catch (err) {
      if (!(err instanceof FranceConnectUnavailable)) throw err;
      request.log.warn({ err }, 'FranceConnect unavailable');
      return unavailable(request, reply, retour);
    }
  });

  app.get(UNAVAILABLE_PATH, async (request, reply) => {
    const ctx = pageContext(request);
    const retour = safeReturnPath(queryParam(request, 'retour'));
    return send(reply, 503, unavailablePage(ctx, retour));
  });

  app.get('/connexion/franceconnect/retour', { config: flowLimit }, async (request, reply) => {
    const ctx = pageContext(request);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const flow = readFlowCookie(request, config, LOGIN_FLOW_COOKIE, services.clock.now());
    // Single use: whatever happens next, this flow is over.
    clearFlowCookie(reply, LOGIN_FLOW_COOKIE);
    const retour = flow ? safeReturnPath(flow.retour) : null;
    const rp = franceConnectFor(config);
    if (!rp) return unavailable(request, reply, retour);
    if (!flow || flow.t !== ctx.tenant.id || !isSecrets(flow)) {
      request.log.warn('FranceConnect callback without a valid flow cookie');
      return send(reply, 400, loginFailedPage(ctx, retour));
    }
    if (query.get('error') === 'access_denied' && query.get('state') === flow.state) {
      return send(reply, 200, loginCancelledPage(ctx, retour));
    }
    if (query.has('error') && query.get('state') === flow.state) {
      // The provider could not log the citizen in (server_error, temporarily_unavailable…).
      request.log.warn({ error: query.get('error')?.slice(0, 64) }, 'FranceConnect answered an error');
      rp.health.markDown(`error on return: ${query.get('error')?.slice(0, 64) ?? ''}`);
      return unavailable(request, reply, retour);
    }
    try {
      const result = await rp.finish(query, flow);
      const signIn = await signInWithFranceConnect(services, ctx.tenant, {
        claims: result.claims,
        idToken: result.idToken,
        userAgent: request.headers['user-agent'],
        ip: request.ip,
        // Any earlier session of this browser ends, in the same transaction (fresh id).
        previousToken: request.cookies[CITIZEN_COOKIE],
      });
      useCitizenSession(request, reply, services, signIn.token);
      return reply.redirect(`${request.base}${retour ?? '/mon-espace'}`, 303);
    } catch (err) {
      if (err instanceof FranceConnectUnavailable) {
        request.log.warn({ err }, 'FranceConnect unavailable');
        return unavailable(request, reply, retour);
      }
      request.log.warn({ err }, 'FranceConnect login refused');
      return send(reply, 400, loginFailedPage(ctx, retour));
    }
  });

  app.get('/deconnexion/retour', async (request, reply) => {
    const ctx = pageContext(request);
    const flow = readFlowCookie(request, config, LOGOUT_FLOW_COOKIE, services.clock.now());
    clearFlowCookie(reply, LOGOUT_FLOW_COOKIE);
    const state = queryParam(request, 'state');
    if (!flow || flow.t !== ctx.tenant.id || state === '' || state !== flow.state) {
      return send(reply, 400, logoutUnverifiedPage(ctx));
    }
    await logoutCitizen(request, reply, services);
    return send(reply, 200, loggedOutPage(ctx));
  });
}

function isSecrets(flow: Record<string, unknown>): flow is Record<string, unknown> & FlowSecrets {
  return ['state', 'nonce', 'codeVerifier', 'redirectUri'].every((k) => typeof flow[k] === 'string');
}
