import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * Progressive delays after failed logins, per account (the address typed) and per client
 * address. After `freeFailures` failures on a key, each further attempt waits
 * base × 2^(failures − freeFailures) before it is checked, up to `maxDelayMs`: 1 s, 2 s, 4 s…
 * 30 s with the defaults. The wait is a timer (the event loop keeps serving others), and
 * only one throttled attempt per key waits at a time: a second one arriving meanwhile gets a
 * 429 at once, so parallel guesses cannot share one wait and no pile of timers builds up.
 *
 * The counters live in this process's memory: they reset at restart, and a deployment with
 * several instances behind a load balancer would need a shared store (PostgreSQL or Redis) to
 * add up the failures seen by each instance.
 *
 * The key is the address as typed (normalised), whether or not an account has it, so that the
 * delay itself does not tell which addresses have an account.
 */
export interface LoginThrottleOptions {
  /** Failures allowed before delays start (3). */
  freeFailures?: number;
  /** Delay after the first failure beyond the free ones, doubled at each further failure (1000 ms). */
  baseDelayMs?: number;
  /** Upper bound of one delay (30 000 ms). */
  maxDelayMs?: number;
  /** A key's failures are forgotten this long after its last failure (15 min). */
  forgetAfterMs?: number;
  /** Bound on remembered keys, so that a flood of made-up addresses cannot exhaust memory. */
  maxKeys?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  /** An attempt on this key is waiting or being checked. */
  busy: boolean;
}

export interface LoginAttempt {
  /** The attempt failed (wrong address, wrong password, inactive account…): counts for every key. */
  failed(): void;
  /** The attempt succeeded: the account's counter is cleared (the address's counter is kept). */
  succeeded(): void;
  /** Neither outcome (the check itself broke): frees the key without counting. Idempotent. */
  abandon(): void;
  /** How long this attempt waited, in ms. */
  readonly waitedMs: number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class LoginThrottle {
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  private readonly forgetAfterMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly entries = new Map<string, Entry>();

  constructor(options: LoginThrottleOptions = {}) {
    this.freeFailures = options.freeFailures ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** The delay an attempt on a key with this many failures waits. */
  delayFor(failures: number): number {
    if (failures < this.freeFailures || this.baseDelayMs <= 0) return 0;
    const exponent = Math.min(failures - this.freeFailures, 30);
    return Math.min(this.baseDelayMs * 2 ** exponent, this.maxDelayMs);
  }

  failuresOf(key: string): number {
    return this.live(key)?.failures ?? 0;
  }

  /**
   * Waits the delay the keys call for, then returns the attempt to report on. Throws a
   * 429 AppError when another throttled attempt on one of the keys is still in progress.
   */
  async begin(keys: string[]): Promise<LoginAttempt> {
    const entries = keys.map((k) => this.entry(k));
    const delay = Math.max(0, ...entries.map((e) => this.delayFor(e.failures)));
    if (delay > 0 && entries.some((e) => e.busy)) {
      throw tooManyAttempts(delay);
    }
    // Only throttled keys are marked: without failures, parallel logins (a shared office
    // address at nine o'clock) go through side by side.
    const marked = delay > 0 ? entries : [];
    for (const e of marked) e.busy = true;
    let done = false;
    const release = () => {
      if (done) return false;
      done = true;
      for (const e of marked) e.busy = false;
      return true;
    };
    try {
      if (delay > 0) await this.sleep(delay);
    } catch (err) {
      release();
      throw err;
    }
    return {
      waitedMs: delay,
      abandon: () => void release(),
      failed: () => {
        if (!release()) return;
        const at = this.now();
        for (const k of keys) {
          const e = this.entry(k);
          e.failures += 1;
          e.lastFailureAt = at;
        }
      },
      succeeded: () => {
        if (!release()) return;
        // The first key is the account's: a right password clears it. The address's counter
        // stays, or an attacker could reset it by logging into an account of their own.
        const account = keys[0];
        if (account) this.entries.delete(account);
      },
    };
  }

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && !e.busy && e.failures > 0 && this.now() - e.lastFailureAt > this.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private entry(key: string): Entry {
    let e = this.live(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.evict();
      e = { failures: 0, lastFailureAt: 0, busy: false };
      this.entries.set(key, e);
    }
    return e;
  }

  /** Drops stale keys, then the oldest ones (a Map iterates in insertion order). */
  private evict(): void {
    const now = this.now();
    for (const [k, e] of this.entries) {
      if (!e.busy && (e.failures === 0 || now - e.lastFailureAt > this.forgetAfterMs)) this.entries.delete(k);
    }
    for (const [k, e] of this.entries) {
      if (this.entries.size < this.maxKeys) break;
      if (!e.busy) this.entries.delete(k);
    }
  }
}

function tooManyAttempts(delayMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(delayMs / 1000));
  return Object.assign(
    new AppError(
      'rate_limited',
      `Trop de tentatives de connexion. Patientez ${seconds} seconde${seconds > 1 ? 's' : ''} avant de réessayer.`,
    ),
    { retryAfterSeconds: seconds },
  );
}

/**
 * The keys of a login attempt: the account (tenant, area and address as typed, lower-cased)
 * first, then the client's address.
 */
export function loginKeys(request: FastifyRequest, area: string, email: string): string[] {
  const tenant = request.tenant?.id ?? '-';
  return [`account:${tenant}:${area}:${email.trim().toLowerCase()}`, `ip:${tenant}:${area}:${request.ip}`];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** One per application: see registerSecurity(). */
    loginThrottle: LoginThrottle;
  }
}

/**
 * Starts a login attempt for a login route: waits the progressive delay of the account and of
 * the client's address, or answers 429 with Retry-After. Report the outcome on the result.
 */
export async function beginLoginAttempt(
  request: FastifyRequest,
  reply: FastifyReply,
  area: 'agent' | 'citizen',
  email: string,
): Promise<LoginAttempt> {
  try {
    const attempt = await request.server.loginThrottle.begin(loginKeys(request, area, email));
    // Whatever happens next (a database error, a thrown page), the key is freed once answered.
    reply.raw.once('finish', attempt.abandon);
    reply.raw.once('close', attempt.abandon);
    return attempt;
  } catch (err) {
    const seconds = (err as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (seconds) reply.header('retry-after', String(seconds));
    throw err;
  }
}
