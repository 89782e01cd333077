import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.ts';

/**
 * In-process caches with a time to live, for data read on every page and changed rarely
 * (tenants, catalogue pages, stored forms). Changes show within the time to live; a deployment
 * with several processes sees the same delay, which is why no cross-process invalidation exists.
 *
 * Entries are bounded in number and the least recently used goes first: the web process runs
 * with a heap budget (`npm run start:prod`, docs/performance.md), so a cache of large values
 * keeps the hot ones. Concurrent loads of one key share a single load (lru-cache's `fetch`).
 * Time comes from the services' clock, so tests can move it.
 */
export class TtlCache<V> {
  private readonly lru: LRUCache<string, { value: V }, () => Promise<V>>;

  constructor(options: { ttlMs: number; max?: number; clock: Clock }) {
    const { clock } = options;
    this.lru = new LRUCache<string, { value: V }, () => Promise<V>>({
      max: options.max ?? 500,
      ttl: options.ttlMs,
      // Expired entries are never served, even when a load of the same key is in flight.
      allowStale: false,
      perf: { now: () => clock.now().getTime() },
      // Read the clock at each check (the default caches it for 1 ms with a timer per read).
      ttlResolution: 0,
      fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
    });
  }

  /** The cached value, or the value `load` gives (stored; `null` is a value too). */
  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.lru.get(key);
    if (hit) return hit.value;
    const loaded = await this.lru.fetch(key, { context: load });
    return (loaded as { value: V }).value;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}

/**
 * The caches of one Services instance, by name: owned by the services (not module globals), so
 * two applications in one process (tests, benchmarks) never share entries, and clearing is one call.
 */
export class CacheRegistry {
  private readonly caches = new Map<string, TtlCache<unknown>>();

  constructor(private readonly clock: Clock) {}

  named<V>(name: string, options: { ttlMs: number; max?: number }): TtlCache<V> {
    let cache = this.caches.get(name);
    if (!cache) {
      cache = new TtlCache<unknown>({ ...options, clock: this.clock });
      this.caches.set(name, cache);
    }
    return cache as TtlCache<V>;
  }

  clear(): void {
    for (const cache of this.caches.values()) cache.clear();
  }
}
