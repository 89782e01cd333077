import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A budget this route shares with every route naming it: a request to any of them spends
     * it. Spreading guesses over several routes then gains nothing.
     */
    rateLimitBudget?: RateLimitBudget;
  }
}

export interface RateLimitSettings {
  /** Logins, registration, password reset, second factor: attempts per minute and client address. */
  loginPerMinute: number;
  /** Anonymous request submissions (HTML form and API): per minute and client address. */
  formPerMinute: number;
  /** Look-ups of a request by reference and tracking code, all routes together: per minute and address. */
  trackingPerMinute: number;
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
 * under the rule of its kind. Tracking look-ups declare the budget they share (`rateLimitBudget`,
 * see SHARED_BUDGETS). A route that declares its own `rateLimit` keeps it.
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

/**
 * Budgets several routes share, per client address. @fastify/rate-limit counts each route in a
 * store of its own, so each budget goes through one limiter made with `createRateLimit`.
 */
export const SHARED_BUDGETS = {
  tracking: {
    max: (s: RateLimitSettings) => s.trackingPerMinute,
    why: 'tracking codes guessed by brute force: the tracking page and its look-up form, the confirmation page, messages, receipt, data export and the API look-up all check a code',
  },
} as const;

export type RateLimitBudget = keyof typeof SHARED_BUDGETS;

/** The refusal past a limit: the wording of @fastify/rate-limit's refusals (app.ts). */
export function rateLimitedError(ttlMs: number): AppError {
  return new AppError('rate_limited', `Trop de tentatives. Réessayez dans ${Math.ceil(ttlMs / 1000)} secondes.`);
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** Counts the request against the budget; past it, 429 with Retry-After like any other limit. */
function budgetHook(
  app: FastifyInstance,
  limiters: Map<RateLimitBudget, Limiter>,
  budget: RateLimitBudget,
  max: number,
) {
  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    let limiter = limiters.get(budget);
    if (!limiter) {
      // Made at the first request: the rate-limit plugin is registered after these rules.
      limiter = app.createRateLimit({ max, timeWindow: 60_000 });
      limiters.set(budget, limiter);
    }
    const limit = await limiter(request);
    if (limit.isAllowed) return;
    const resetSeconds = Math.max(1, limit.ttlInSeconds);
    reply.header('x-ratelimit-limit', limit.max);
    reply.header('x-ratelimit-remaining', limit.remaining);
    reply.header('x-ratelimit-reset', resetSeconds);
    if (limit.isExceeded) {
      reply.header('retry-after', resetSeconds);
      throw rateLimitedError(limit.ttl);
    }
  };
  return hook as onRequestHookHandler;
}

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
  const limiters = new Map<RateLimitBudget, Limiter>();
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { rateLimit?: unknown; rateLimitBudget?: RateLimitBudget };
    if (config.rateLimitBudget) {
      // HEAD routes made for GET ones carry the same config, so they spend the same budget.
      const budget = config.rateLimitBudget;
      const hook = budgetHook(app, limiters, budget, SHARED_BUDGETS[budget].max(settings));
      route.onRequest = route.onRequest === undefined ? [hook] : [route.onRequest].flat().concat(hook);
      return;
    }
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
