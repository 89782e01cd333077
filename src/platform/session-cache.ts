import { AUTH_CHANNEL, type Notifications } from '../db/notifications.ts';

export { AUTH_CHANNEL };

/**
 * How long an entry is trusted at most, whatever else happens. Invalidation is by notification
 * (below); this bound is only the safety net should one ever be lost without the connection
 * dropping. 30 s keeps nearly all of the gain (one query per session and per half-minute instead
 * of one per page) while bounding how long an unforeseen miss could last.
 */
export const SESSION_CACHE_MAX_AGE_MS = 30_000;

/**
 * Entries kept at most; the least recently used goes first. Only sessions the database found
 * valid are stored (a login costs an argon2id hash and is rate-limited), so made-up cookies can
 * neither fill this nor push real sessions out. 10,000 entries take a few megabytes.
 */
export const SESSION_CACHE_MAX_ENTRIES = 10_000;

/**
 * `last_seen_at` is written at most this often: it feeds the idle timeouts (1 and 2 hours),
 * which need no finer precision.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export type SessionKind = 'agent' | 'citizen';

/** What the database says of a valid session: what the check returns and when it ends. */
export interface SessionFacts<V> {
  value: V;
  /** The agent or citizen: a change to them (notified as `<kind>:<tenant>:<id>`) drops their sessions. */
  subjectId: string;
  /** Absolute end of the session. */
  expiresAt: Date;
  /** Last activity as the database now has it (the lookup may just have written it). */
  lastSeenAt: Date;
  idleMs: number;
}

interface Entry {
  value: unknown;
  subjectKey: string;
  expiresAt: number;
  lastSeenAt: number;
  idleMs: number;
  /** Monotonic time of the load, for SESSION_CACHE_MAX_AGE_MS. */
  loadedAt: number;
}

export interface SessionCheck<V> {
  kind: SessionKind;
  tenantId: string;
  /** sha256 of the cookie: the raw token is never a key. */
  sessionId: string;
  /** The request's time (services.clock): timeouts are checked against it, hit or miss. */
  now: Date;
  /** The database lookup; null for an unknown, expired or refused session. */
  load: () => Promise<SessionFacts<V> | null>;
  /** Writes `last_seen_at = now` for a session served from the cache. */
  touch: (now: Date) => Promise<unknown>;
}

export interface SessionCacheStats {
  entries: number;
  hits: number;
  misses: number;
  listening: boolean;
}

export interface SessionCacheOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /** Monotonic milliseconds (tests pass their own to age entries). */
  monotonicNow?: () => number;
  onTouchError?: (err: unknown) => void;
}

type State = 'idle' | 'starting' | 'listening' | 'lost' | 'closed';

/**
 * The sessions this process has checked, so that most page views check their session without a
 * database round trip (target: < 1 ms at p99; docs/performance.md, decision 8).
 *
 * - A hit still applies the absolute and idle timeouts with the request's clock; when either
 *   says "ended", the database decides (it may know a later activity seen by another process).
 * - Entries are dropped on PostgreSQL notifications raised by triggers on the session, agent,
 *   agent-service and citizen tables, from any process, on commit only.
 * - Nothing is cached unless the channel is listened to: before the first LISTEN succeeded,
 *   and from the moment the listening connection drops until it listens again (everything cached
 *   is dropped then, since a notification may have been missed).
 * - A lookup that raced with a notification is not stored (generation counter).
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly bySubject = new Map<string, Set<string>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly monotonicNow: () => number;
  private generation = 0;
  private state: State = 'idle';
  private unsubscribe: (() => void) | null = null;
  private waiters: Array<() => void> = [];
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly notifications: Notifications,
    private readonly options: SessionCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? SESSION_CACHE_MAX_ENTRIES;
    this.maxAgeMs = options.maxAgeMs ?? SESSION_CACHE_MAX_AGE_MS;
    this.monotonicNow = options.monotonicNow ?? (() => performance.now());
  }

  /**
   * Subscribes to the invalidation channel (done by the first check, so processes that check no
   * session, such as the worker, hold no listening connection).
   */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'starting';
    this.unsubscribe = this.notifications.subscribe(AUTH_CHANNEL, {
      notify: (payload) => this.invalidate(payload),
      listening: () => {
        if (this.state === 'closed') return;
        this.generation++;
        this.state = 'listening';
        for (const resolve of this.waiters.splice(0)) resolve();
      },
      lost: () => {
        if (this.state !== 'closed') this.state = 'lost';
        this.generation++;
        this.clear();
      },
    });
  }

  get listening(): boolean {
    return this.state === 'listening';
  }

  /** Resolves when the channel is listened to (tests, benchmarks). */
  whenListening(): Promise<void> {
    this.start();
    if (this.state === 'listening') return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Resolves once every invalidation committed before the call has been applied: changes made by
   * this process are applied before their COMMIT returns, other processes' a moment later.
   */
  async sync(): Promise<void> {
    await this.notifications.sync();
  }

  /** The session of a check: from the cache when it holds a valid entry, else from `load`. */
  async check<V>(c: SessionCheck<V>): Promise<V | null> {
    this.start();
    const key = `${c.kind}:${c.tenantId}:${c.sessionId}`;
    const entry = this.entries.get(key);
    if (entry) {
      const t = c.now.getTime();
      if (
        this.monotonicNow() - entry.loadedAt < this.maxAgeMs &&
        t < entry.expiresAt &&
        t < entry.lastSeenAt + entry.idleMs
      ) {
        this.hits++;
        // Most recently used last: eviction takes the first key.
        this.entries.delete(key);
        this.entries.set(key, entry);
        if (t - entry.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
          entry.lastSeenAt = t;
          this.touchLater(key, c);
        }
        return entry.value as V;
      }
      this.remove(key);
    }
    this.misses++;
    const generation = this.generation;
    const facts = await c.load();
    if (!facts) return null;
    // Stored only if no invalidation arrived meanwhile: the row read may predate it.
    if (this.state === 'listening' && generation === this.generation) this.store(key, c.kind, c.tenantId, facts);
    return facts.value;
  }

  /** Applies one notification payload (see the migration for their forms). */
  invalidate(payload: string): void {
    this.generation++;
    const [type, tenantId, id] = payload.split(':');
    if (type === 'session' && tenantId && id) {
      this.remove(`agent:${tenantId}:${id}`);
      this.remove(`citizen:${tenantId}:${id}`);
    } else if ((type === 'agent' || type === 'citizen') && tenantId && id) {
      for (const key of [...(this.bySubject.get(payload) ?? [])]) this.remove(key);
    } else {
      // 'all', or a payload this version does not know: the safe answer is to forget everything.
      this.clear();
    }
  }

  clear(): void {
    this.entries.clear();
    this.bySubject.clear();
  }

  stats(): SessionCacheStats {
    return { entries: this.entries.size, hits: this.hits, misses: this.misses, listening: this.listening };
  }

  /** Waits for the `last_seen_at` writes started by cache hits (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.unsubscribe?.();
    this.clear();
    await this.settle();
  }

  private store<V>(key: string, kind: SessionKind, tenantId: string, facts: SessionFacts<V>): void {
    this.remove(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
    const subjectKey = `${kind}:${tenantId}:${facts.subjectId}`;
    this.entries.set(key, {
      value: deepFreeze(facts.value),
      subjectKey,
      expiresAt: facts.expiresAt.getTime(),
      lastSeenAt: facts.lastSeenAt.getTime(),
      idleMs: facts.idleMs,
      loadedAt: this.monotonicNow(),
    });
    let keys = this.bySubject.get(subjectKey);
    if (!keys) {
      keys = new Set();
      this.bySubject.set(subjectKey, keys);
    }
    keys.add(key);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const keys = this.bySubject.get(entry.subjectKey);
    keys?.delete(key);
    if (keys?.size === 0) this.bySubject.delete(entry.subjectKey);
  }

  /**
   * Writes the activity after the request has queued its own statements (the pool serves them
   * first). Should the write fail, the entry goes: the database, not the cache, keeps the
   * idle timeout.
   */
  private touchLater<V>(key: string, c: SessionCheck<V>): void {
    const done = new Promise<void>((resolve) => {
      setImmediate(() => {
        Promise.resolve()
          .then(() => c.touch(c.now))
          .then(
            () => resolve(),
            (err: unknown) => {
              this.remove(key);
              this.options.onTouchError?.(err);
              resolve();
            },
          );
      });
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }
}

/** Cached values are shared by every request that hits them: none may change one. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
