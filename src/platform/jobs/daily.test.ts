import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { msUntilNextRun, runJob } from './daily.ts';
import { backoffDelayMs } from './queue.ts';

test('the next daily run is later today, or tomorrow once the time has passed', () => {
  const now = new Date(2026, 10, 28, 2, 0, 0);
  assert.equal(msUntilNextRun(now, '03:30'), 90 * 60_000);
  assert.equal(msUntilNextRun(new Date(2026, 10, 28, 3, 30, 0), '03:30'), 24 * 3600_000);
  assert.throws(() => msUntilNextRun(now, '3h30'));
});

test('runJob returns the summary, and rethrows a failure', async () => {
  const logger = pino({ level: 'silent' });
  assert.deepEqual(await runJob({ name: 'ok', description: '', run: async () => ({ n: 1 }) }, new Date(), logger), {
    n: 1,
  });
  await assert.rejects(
    runJob({ name: 'x', description: '', run: () => Promise.reject(new Error('x')) }, new Date(), logger),
    /x/,
  );
});

test('retry delays double at each attempt, half of each random, up to the cap', () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.equal(backoffDelayMs(1, 1000, 60_000, low), 500);
  assert.equal(backoffDelayMs(2, 1000, 60_000, low), 1000);
  assert.equal(backoffDelayMs(3, 1000, 60_000, low), 2000);
  assert.equal(backoffDelayMs(3, 1000, 60_000, high), 4000);
  assert.equal(backoffDelayMs(20, 1000, 60_000, low), 30_000);
  assert.equal(backoffDelayMs(20, 1000, 60_000, high), 60_000);
  const seen = new Set(Array.from({ length: 20 }, () => backoffDelayMs(4, 1000, 60_000)));
  assert.ok(seen.size > 1, 'jitter spreads retries');
  for (const d of seen) assert.ok(d >= 4000 && d <= 8000);
});
