import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { originOf, registerSecurityHeaders } from './headers.ts';
import { LoginThrottle } from './login-throttle.ts';
import { registerRateLimitRules } from './rate-limits.ts';
import { registerInputGuard } from '../web/input-guard.ts';

/** Session cookies of agents and citizens: a response to a request carrying one is never cached. */
export const SESSION_COOKIES = ['guichet_agent', 'guichet_citoyen'];

/**
 * The origins of every OpenID Connect provider in the configuration (any `{ issuer }` entry:
 * FranceConnect, ProConnect), for the CSP's form-action.
 */
export function providerOrigins(config: Config): string[] {
  const out: string[] = [];
  for (const value of Object.values(config) as unknown[]) {
    if (value && typeof value === 'object' && 'issuer' in value) {
      const origin = originOf((value as { issuer?: string | null }).issuer);
      if (origin) out.push(origin);
    }
  }
  return out;
}

/**
 * Headers, rate-limit rules and budgets, the input guard and the login throttle. Call before
 * registering @fastify/rate-limit (its onRoute hook reads what the rules add) and before any route.
 * `isSignedIn` (a valid agent or citizen session) exempts a request from the limit on anonymous POSTs.
 */
export function registerSecurity(
  app: FastifyInstance,
  config: Config,
  isSignedIn: (request: FastifyRequest) => Promise<boolean>,
): void {
  registerRateLimitRules(
    app,
    {
      loginPerMinute: config.loginRateLimit,
      formPerMinute: config.formRateLimit,
      appointmentPerMinute: config.appointmentRateLimit,
      trackingPerMinute: config.trackingRateLimit,
      anonymousPostPerMinute: config.anonymousPostRateLimit,
    },
    isSignedIn,
  );
  // NUL bytes and lone surrogates anywhere in the input: 400 before any validation or handler.
  registerInputGuard(app);
  registerSecurityHeaders(app, {
    production: config.env === 'production',
    formActionOrigins: providerOrigins(config),
    sessionCookies: SESSION_COOKIES,
  });
  app.decorate(
    'loginThrottle',
    new LoginThrottle({ baseDelayMs: config.loginDelayBaseMs, maxDelayMs: config.loginDelayMaxMs }),
  );
}
