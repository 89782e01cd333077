import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../../platform/web/request-context.ts';
import { requestBaseUrl } from '../../platform/web/public-url.ts';
import type { Services } from '../../services.ts';
import { currentCitizen } from '../citizens/sessions.ts';
import { LOGOUT_FLOW_COOKIE, setFlowCookie } from './flow-cookie.ts';
import { franceConnectFor, FranceConnectUnavailable } from './franceconnect.ts';

/**
 * The FranceConnect part of POST /deconnexion: for a FranceConnect session, the citizen is sent
 * to the provider's end_session_endpoint and the local session closes when they come back
 * (GET /deconnexion/retour). Returns false when the session is not a FranceConnect one (the
 * caller then closes it locally).
 */
export async function logoutThroughFranceConnect(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
): Promise<boolean> {
  const session = await currentCitizen(request, services);
  if (!session || session.method !== 'franceconnect' || !session.idToken) return false;
  const rp = franceConnectFor(services.config);
  if (!rp) return false;
  const ctx = pageContext(request);
  try {
    const state = randomBytes(32).toString('base64url');
    const target = await rp.endSessionUrl({
      idToken: session.idToken,
      state,
      postLogoutRedirectUri: `${requestBaseUrl(services.config, request)}/deconnexion/retour`,
    });
    setFlowCookie(reply, services.config, LOGOUT_FLOW_COOKIE, { t: ctx.tenant.id, state }, services.clock.now());
    reply.redirect(target, 303);
    return true;
  } catch (err) {
    // The provider is unreachable: at least end the session here (the caller does).
    if (!(err instanceof FranceConnectUnavailable)) throw err;
    request.log.warn({ err }, 'FranceConnect unavailable at logout: closing the local session only');
    return false;
  }
}
