import type { FastifyInstance, RouteOptions } from 'fastify';

export interface RateLimitSettings {
  /** Logins, registration, password reset, second factor: attempts per minute and client address. */
  loginPerMinute: number;
  /** Anonymous request submissions (HTML form and API): per minute and client address. */
  formPerMinute: number;
}

interface Rule {
  method: string;
  url: RegExp;
  max: (s: RateLimitSettings) => number;
  why: string;
}

/**
 * Which routes are rate-limited, in one table, so that a route added later by any module falls
 * under the rule of its kind. Tracking look-ups carry their own limit (TRACKING_RATE_LIMIT) in
 * their module. A route that declares its own `rateLimit` keeps it.
 */
export const RATE_LIMIT_RULES: readonly Rule[] = [
  {
    method: 'POST',
    url: /^\/(?:agent\/)?(?:connexion|inscription|mot-de-passe-oublie|mot-de-passe|reinitialisation|invitation|double-authentification|verification)(?:\/|$)/,
    max: (s) => s.loginPerMinute,
    why: 'password and code guessing, account creation in bulk, mail flooding',
  },
  {
    method: 'POST',
    url: /^\/demarches\/:slug\/demande$/,
    max: (s) => s.formPerMinute,
    why: 'anonymous submissions in bulk fill the agents’ queue and send mail',
  },
  {
    method: 'POST',
    url: /^\/api\/v1\/demarches\/:slug\/requests$/,
    max: (s) => s.formPerMinute,
    why: 'the same through the API',
  },
];

function methods(route: RouteOptions): string[] {
  return [route.method].flat().map((m) => String(m).toUpperCase());
}

/** The limit a route gets from the table, or null. */
export function rateLimitFor(method: string, url: string, settings: RateLimitSettings): number | null {
  const rule = RATE_LIMIT_RULES.find((r) => r.method === method && r.url.test(url));
  return rule ? rule.max(settings) : null;
}

/**
 * Adds the table's limits to routes as they are declared. Must be registered before
 * @fastify/rate-limit, whose own onRoute hook reads `config.rateLimit` right after this one.
 */
export function registerRateLimitRules(app: FastifyInstance, settings: RateLimitSettings): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { rateLimit?: unknown };
    if (config.rateLimit !== undefined) return;
    for (const method of methods(route)) {
      const max = rateLimitFor(method, route.url ?? route.path ?? '', settings);
      if (max !== null) {
        route.config = { ...config, rateLimit: { max, timeWindow: '1 minute' } } as RouteOptions['config'];
        return;
      }
    }
  });
}
