import type { FastifyInstance, FastifyReply } from 'fastify';
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

  app.get('/connexion/franceconnect', { config: flowLimit }, async (request, reply) => {
    const ctx = pageContext(request);
    const rp = franceConnectFor(config);
    if (!rp) return send(reply, 503, unavailablePage(ctx));
    const retour = safeReturnPath(queryParam(request, 'retour'));
    try {
      const { url, secrets } = await rp.start(
        `${requestBaseUrl(services.config, request)}/connexion/franceconnect/retour`,
      );
      setFlowCookie(reply, config, LOGIN_FLOW_COOKIE, { t: ctx.tenant.id, ...secrets, retour }, services.clock.now());
      return reply.redirect(url, 303);
    } catch (err) {
      if (!(err instanceof FranceConnectUnavailable)) throw err;
      request.log.warn({ err }, 'FranceConnect unavailable');
      return send(reply, 503, unavailablePage(ctx));
    }
  });

  app.get('/connexion/franceconnect/retour', { config: flowLimit }, async (request, reply) => {
    const ctx = pageContext(request);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const flow = readFlowCookie(request, config, LOGIN_FLOW_COOKIE, services.clock.now());
    // Single use: whatever happens next, this flow is over.
    clearFlowCookie(reply, LOGIN_FLOW_COOKIE);
    const retour = flow ? safeReturnPath(flow.retour) : null;
    const rp = franceConnectFor(config);
    if (!rp) return send(reply, 503, unavailablePage(ctx));
    if (!flow || flow.t !== ctx.tenant.id || !isSecrets(flow)) {
      request.log.warn('FranceConnect callback without a valid flow cookie');
      return send(reply, 400, loginFailedPage(ctx, retour));
    }
    if (query.get('error') === 'access_denied' && query.get('state') === flow.state) {
      return send(reply, 200, loginCancelledPage(ctx, retour));
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
        return send(reply, 503, unavailablePage(ctx));
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
