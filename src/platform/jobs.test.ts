import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { DailyJobScheduler, msUntilNextRun, runJob } from './jobs.ts';

test('the next daily run is later today, or tomorrow once the time has passed', () => {
  const now = new Date(2026, 10, 28, 2, 0, 0);
  assert.equal(msUntilNextRun(now, '03:30'), 90 * 60_000);
  assert.equal(msUntilNextRun(new Date(2026, 10, 28, 3, 30, 0), '03:30'), 24 * 3600_000);
  assert.throws(() => msUntilNextRun(now, '3h30'));
});

test('runAll runs every job even when one fails, and stop() waits for a run in progress', async () => {
  const logger = pino({ level: 'silent' });
  const ran: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const scheduler = new DailyJobScheduler(
    [
      { name: 'boom', description: '', run: async () => Promise.reject(new Error('boom')) },
      {
        name: 'slow',
        description: '',
        run: async () => {
          await gate;
          ran.push('slow');
          return { ok: true };
        },
      },
    ],
    { dailyAt: '03:30', clock: { now: () => new Date() }, logger },
  );
  const running = scheduler.runAll();
  setTimeout(release, 20);
  await running;
  assert.deepEqual(ran, ['slow']);
  await scheduler.stop();
  await assert.rejects(
    runJob({ name: 'x', description: '', run: () => Promise.reject(new Error('x')) }, new Date(), logger),
  );
});
