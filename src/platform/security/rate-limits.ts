import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

export interface RateLimitSettings {
  /** Logins, registration, password reset, second factor: attempts per minute and client address. */
  loginPerMinute: number;
  /** Anonymous request submissions (HTML form and API): per minute and client address. */
  formPerMinute: number;
  /** Any other POST from someone not signed in: per minute and client address. */
  anonymousPostPerMinute: number;
}

interface Rule {
  method: string;
  url: RegExp;
  max: (s: RateLimitSettings) => number;
  why: string;
  /** Requests of a signed-in agent or citizen are not counted. */
  anonymousOnly?: boolean;
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
  {
    method: 'POST',
    url: /^\//,
    max: (s) => s.anonymousPostPerMinute,
    why: 'any other form posted in bulk by someone not signed in (bodies to read, sessions to look up)',
    anonymousOnly: true,
  },
];

function methods(route: RouteOptions): string[] {
  return [route.method].flat().map((m) => String(m).toUpperCase());
}

function ruleFor(method: string, url: string): Rule | undefined {
  return RATE_LIMIT_RULES.find((r) => r.method === method && r.url.test(url));
}

/** The limit a route gets from the table, or null. */
export function rateLimitFor(method: string, url: string, settings: RateLimitSettings): number | null {
  const rule = ruleFor(method, url);
  return rule ? rule.max(settings) : null;
}

/**
 * Adds the table's limits to routes as they are declared. Must be registered before
 * @fastify/rate-limit, whose own onRoute hook reads `config.rateLimit` right after this one.
 * `isSignedIn` tells the requests that `anonymousOnly` rules do not count.
 */
export function registerRateLimitRules(
  app: FastifyInstance,
  settings: RateLimitSettings,
  isSignedIn: (request: FastifyRequest) => Promise<boolean>,
): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { rateLimit?: unknown };
    if (config.rateLimit !== undefined) return;
    for (const method of methods(route)) {
      const rule = ruleFor(method, route.url ?? route.path ?? '');
      if (rule) {
        const rateLimit = {
          max: rule.max(settings),
          timeWindow: '1 minute',
          ...(rule.anonymousOnly ? { allowList: (request: FastifyRequest) => isSignedIn(request) } : {}),
        };
        route.config = { ...config, rateLimit } as RouteOptions['config'];
        return;
      }
    }
  });
}
