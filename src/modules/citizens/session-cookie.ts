import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import {
  clearCitizenCookie,
  closeCitizenSession,
  CITIZEN_COOKIE,
  currentCitizen,
  forgetCurrentCitizen,
  replaceCitizenSession,
  setCitizenCookie,
  type CitizenSession,
} from './sessions.ts';

/*
 * Signing a citizen in and out on this browser: the one place that turns a session into a cookie
 * and back, for the password login (citizens/routes.ts) and FranceConnect (identity/routes.ts).
 */

/**
 * Ends the citizen's session on this browser: deletes it and clears the cookie. Returns the
 * session that was closed (null when there was none), so that a caller can go on to log out at
 * the identity provider when the session came from FranceConnect (method and idToken).
 */
export async function logoutCitizen(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
): Promise<CitizenSession | null> {
  const tenant = requireTenant(request);
  const session = await currentCitizen(request, services);
  const token = request.cookies[CITIZEN_COOKIE];
  if (token) await inTenant(services.db, tenant.id, (trx) => closeCitizenSession(trx, token));
  forgetCurrentCitizen(request);
  clearCitizenCookie(reply);
  return session;
}

/**
 * Signs a citizen in on this browser: a new session (the one of the cookie sent, if any, is
 * deleted, so a session id planted before login is worth nothing) and the cookie set. Requests
 * filed without an account are not attached here: the citizen attaches each one with its
 * tracking code (decision 10).
 */
export async function signInCitizen(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  input: { citizenId: string; method: 'password' | 'franceconnect'; idToken?: string | null },
): Promise<void> {
  const tenant = requireTenant(request);
  const now = services.clock.now();
  const token = await inTenant(services.db, tenant.id, (trx) =>
    replaceCitizenSession(trx, {
      previousToken: request.cookies[CITIZEN_COOKIE],
      tenantId: tenant.id,
      citizenId: input.citizenId,
      method: input.method,
      idToken: input.idToken ?? null,
      userAgent: request.headers['user-agent'],
      ip: request.ip,
      now,
    }),
  );
  useCitizenSession(request, reply, services, token);
}

/** Hands the browser a session opened by a sign-in use case (the cookie, and this request forgets the old one). */
export function useCitizenSession(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  token: string,
): void {
  forgetCurrentCitizen(request);
  setCitizenCookie(reply, token, services.config);
}
