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
  /** Appointments booked from the portal and the API (moves included): per minute and address. */
  appointmentPerMinute: number;
  /** Look-ups of a request by reference and tracking code, all routes together: per minute and address. */
  trackingPerMinute: number;
  /** Any other POST from someone not signed in: per minute and client address. */
  anonymousPostPerMinute: number;
}

/**
 * Budgets per client address and minute, each shared by every route that names it in its
 * `config.rateLimitBudget`: a request to any of them spends it, so spreading attempts over
 * several routes gains nothing. @fastify/rate-limit counts each route in a store of its own, so
 * each budget goes through one limiter made with `createRateLimit`.
 */
export const SHARED_BUDGETS = {
  login: {
    max: (s: RateLimitSettings) => s.loginPerMinute,
    why: 'password and code guessing, account creation in bulk, mail flooding: logins, second factor, registration and its confirmation, password reset and its link, invitations (citizens and agents)',
  },
  submission: {
    max: (s: RateLimitSettings) => s.formPerMinute,
    why: 'anonymous submissions in bulk fill the agents’ queue and send mail: the démarche forms and the API',
  },
  appointment: {
    max: (s: RateLimitSettings) => s.appointmentPerMinute,
    why: 'slots taken in bulk by a robot leave none for residents and send mail and text messages: booking and moving an appointment, on the portal and through the API',
  },
  tracking: {
    max: (s: RateLimitSettings) => s.trackingPerMinute,
    why: 'tracking codes guessed by brute force: the tracking page and its look-up form, the confirmation page, messages, receipt, data export, attaching a request to an account and the API look-up all check a code',
  },
} as const;

export type RateLimitBudget = keyof typeof SHARED_BUDGETS;

/**
 * Every other POST from someone not signed in, per route: bodies to read and sessions to look up
 * cost the server, whoever sends them.
 */
export const ANONYMOUS_POST_LIMIT = {
  max: (s: RateLimitSettings) => s.anonymousPostPerMinute,
  why: 'any other form posted in bulk by someone not signed in (bodies to read, sessions to look up)',
};

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

/**
 * Applies the limits routes declare: `config.rateLimitBudget` spends a shared budget; any other
 * POST gets the per-route limit on anonymous posts; a route that declares its own `rateLimit`
 * (OpenID Connect returns) keeps it. Must be registered before @fastify/rate-limit, whose own
 * onRoute hook reads `config.rateLimit` right after this one. `isSignedIn` tells the requests the
 * anonymous-post limit does not count.
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
    if ([route.method].flat().some((m) => String(m).toUpperCase() === 'POST')) {
      const rateLimit = {
        max: ANONYMOUS_POST_LIMIT.max(settings),
        timeWindow: '1 minute',
        allowList: (request: FastifyRequest) => isSignedIn(request),
      };
      route.config = { ...config, rateLimit } as RouteOptions['config'];
    }
  });
}
