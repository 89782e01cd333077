import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheRegistry, TtlCache } from './cache.ts';

function movableClock(start = Date.UTC(2026, 0, 5, 9)) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

test('an entry expires after its time to live, measured on the given clock', async () => {
  const clock = movableClock();
  const cache = new TtlCache<string>({ ttlMs: 60_000, clock });
  let loads = 0;
  const load = async () => `v${++loads}`;
  assert.equal(await cache.getOrLoad('k', load), 'v1');
  clock.advance(59_000);
  assert.equal(await cache.getOrLoad('k', load), 'v1');
  clock.advance(2_000);
  assert.equal(await cache.getOrLoad('k', load), 'v2');
});

test('null is cached like any value', async () => {
  const cache = new TtlCache<string | null>({ ttlMs: 60_000, clock: movableClock() });
  let loads = 0;
  await cache.getOrLoad('missing', async () => (loads++, null));
  assert.equal(await cache.getOrLoad('missing', async () => (loads++, 'found')), null);
  assert.equal(loads, 1);
});

test('when full, the least recently used entry goes, not the hot one', async () => {
  const cache = new TtlCache<string>({ ttlMs: 60_000, max: 2, clock: movableClock() });
  await cache.getOrLoad('hot', async () => 'hot');
  await cache.getOrLoad('cold', async () => 'cold');
  await cache.getOrLoad('hot', async () => 'reloaded');
  await cache.getOrLoad('new', async () => 'new');
  assert.equal(await cache.getOrLoad('hot', async () => 'reloaded'), 'hot');
  assert.equal(await cache.getOrLoad('cold', async () => 'reloaded'), 'reloaded');
});

test('concurrent loads of one key run the loader once', async () => {
  const cache = new TtlCache<number>({ ttlMs: 60_000, clock: movableClock() });
  let loads = 0;
  const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++loads), 20));
  const values = await Promise.all(Array.from({ length: 10 }, () => cache.getOrLoad('k', slow)));
  assert.deepEqual(new Set(values), new Set([1]));
  assert.equal(loads, 1);
});

test('a failed load is not cached', async () => {
  const cache = new TtlCache<string>({ ttlMs: 60_000, clock: movableClock() });
  await assert.rejects(
    cache.getOrLoad('k', async () => {
      throw new Error('database down');
    }),
  );
  assert.equal(await cache.getOrLoad('k', async () => 'ok'), 'ok');
});

test('each registry owns its caches', async () => {
  const clock = movableClock();
  const a = new CacheRegistry(clock);
  const b = new CacheRegistry(clock);
  await a.named<string>('pages', { ttlMs: 1000 }).getOrLoad('k', async () => 'from a');
  assert.equal(await b.named<string>('pages', { ttlMs: 1000 }).getOrLoad('k', async () => 'from b'), 'from b');
  a.clear();
  assert.equal(await a.named<string>('pages', { ttlMs: 1000 }).getOrLoad('k', async () => 'again'), 'again');
});
