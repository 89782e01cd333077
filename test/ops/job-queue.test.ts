import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { inTenant, withTenantConnection } from '../../src/db/tenant-scope.ts';
import { createTenant } from '../../src/modules/tenants/create-tenant.ts';
import { DailyJobScheduler, dailyQueue } from '../../src/platform/jobs/daily.ts';
import { enqueueJob, JobQueue, type JobHandler, type JobQueueOptions } from '../../src/platform/jobs/queue.ts';
import { createServerDatabase, createTestDatabase, PG_ADMIN_URL, TEST_DB } from '../support/test-app.ts';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function queueOn(database: DatabaseHandle, options: Partial<JobQueueOptions> = {}): JobQueue {
  return new JobQueue(database.db, database.notifications, silent, {
    enabled: true,
    concurrency: 4,
    pollIntervalMs: 50,
    leaseSeconds: 30,
    backoffBaseMs: 40,
    backoffMaxMs: 400,
    ...options,
  });
}

/** Resolves once `predicate` holds, polling; fails after `ms`. */
async function eventually(predicate: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

async function jobRow(database: DatabaseHandle, id: string) {
  const r = await database.ownerQuery(
    `select status, attempts, last_error, run_at, finished_at, locked_until, now() as db_now from jobs where id = $1`,
    [id],
  );
  return r.rows[0] as {
    status: string;
    attempts: number;
    last_error: string | null;
    run_at: Date;
    finished_at: Date | null;
    locked_until: Date | null;
    db_now: Date;
  };
}

/** A recording handler. */
function recorder(queue: string, run?: (payload: unknown, attempt: number) => Promise<void>) {
  const runs: { payload: unknown; attempt: number; tenantId: string | null }[] = [];
  const handler: JobHandler = {
    queue,
    run: async (job) => {
      runs.push({ payload: job.payload, attempt: job.attempt, tenantId: job.tenantId });
      await run?.(job.payload, job.attempt);
    },
  };
  return { handler, runs };
}

describe(`job queue (${TEST_DB})`, () => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let tenantA: string;
  let tenantB: string;

  before(async () => {
    ({ database, drop } = await createTestDatabase());
    tenantA = await createTenant(database.ownerQuery, { name: 'Jobville', slug: 'jobville', hosts: [] });
    tenantB = await createTenant(database.ownerQuery, { name: 'Autreville', slug: 'autreville-jobs', hosts: [] });
  });
  after(async () => {
    await database.close();
    await drop();
  });

  test('a job queued in a transaction that rolls back never exists, one that commits runs once', async () => {
    const q = queueOn(database);
    const { handler, runs } = recorder('t.rollback');
    q.register(handler);
    await assert.rejects(
      inTenant(database.db, tenantA, async (trx) => {
        await enqueueJob(trx, tenantA, { queue: 't.rollback', payload: { n: 'lost' } });
        throw new Error('the business change fails');
      }),
      /business change/,
    );
    await inTenant(database.db, tenantA, (trx) => enqueueJob(trx, tenantA, { queue: 't.rollback', payload: { n: 1 } }));
    await q.drain();
    assert.deepEqual(runs, [{ payload: { n: 1 }, attempt: 1, tenantId: tenantA }]);
    const all = await database.ownerQuery(`select status from jobs where queue = 't.rollback'`);
    assert.deepEqual(
      all.rows.map((r) => r.status),
      ['done'],
    );
  });

  test('row-level security: a tenant sees and queues only its own jobs', async () => {
    const id = await inTenant(database.db, tenantA, (trx) =>
      enqueueJob(trx, tenantA, { queue: 't.rls', runAt: new Date(Date.now() + 3600_000) }),
    );
    assert.ok(id);
    const seenByB = await withTenantConnection(database.db, tenantB, (conn) =>
      conn.selectFrom('jobs').select('id').where('id', '=', id).execute(),
    );
    assert.equal(seenByB.length, 0);
    const seenUnscoped = await database.db.selectFrom('jobs').select('id').where('id', '=', id).execute();
    assert.equal(seenUnscoped.length, 0, 'outside any tenant, only platform jobs are visible');
    await assert.rejects(
      inTenant(database.db, tenantB, (trx) => enqueueJob(trx, tenantA, { queue: 't.rls' })),
      /row-level security/,
    );
  });

  test('a unique key makes a second enqueue a no-op, per tenant', async () => {
    const first = await inTenant(database.db, tenantA, (trx) =>
      enqueueJob(trx, tenantA, { queue: 't.unique', uniqueKey: 'req-1:2026-12-03' }),
    );
    const second = await inTenant(database.db, tenantA, (trx) =>
      enqueueJob(trx, tenantA, { queue: 't.unique', uniqueKey: 'req-1:2026-12-03' }),
    );
    const otherTenant = await inTenant(database.db, tenantB, (trx) =>
      enqueueJob(trx, tenantB, { queue: 't.unique', uniqueKey: 'req-1:2026-12-03' }),
    );
    const platform1 = await enqueueJob(database.db, null, { queue: 't.unique', uniqueKey: 'day' });
    const platform2 = await enqueueJob(database.db, null, { queue: 't.unique', uniqueKey: 'day' });
    const withoutKey = await Promise.all([
      enqueueJob(database.db, null, { queue: 't.unique' }),
      enqueueJob(database.db, null, { queue: 't.unique' }),
    ]);
    assert.ok(first);
    assert.equal(second, null);
    assert.ok(otherTenant);
    assert.ok(platform1);
    assert.equal(platform2, null);
    assert.ok(withoutKey[0] && withoutKey[1] && withoutKey[0] !== withoutKey[1]);
    const q = queueOn(database);
    const { handler, runs } = recorder('t.unique');
    q.register(handler);
    await q.drain();
    assert.equal(runs.length, 5);
    // Still taken once done: the key is for the life of the row.
    assert.equal(
      await inTenant(database.db, tenantA, (trx) =>
        enqueueJob(trx, tenantA, { queue: 't.unique', uniqueKey: 'req-1:2026-12-03' }),
      ),
      null,
    );
  });

  test('a failing job is retried with a growing delay, then kept as failed with its last error', async () => {
    const q = queueOn(database, { backoffBaseMs: 200, backoffMaxMs: 10_000 });
    const { handler, runs } = recorder('t.retry', async (_p, attempt) => {
      throw new Error(`SMTP refusé (essai ${attempt})`);
    });
    q.register(handler);
    const id = await inTenant(database.db, tenantA, (trx) =>
      enqueueJob(trx, tenantA, { queue: 't.retry', maxAttempts: 3 }),
    );
    assert.ok(id);

    await q.drain();
    let row = await jobRow(database, id);
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 1);
    assert.equal(row.last_error, 'SMTP refusé (essai 1)');
    // First retry: between half and all of 200 ms.
    let wait = new Date(row.run_at).getTime() - new Date(row.db_now).getTime();
    assert.ok(wait > 50 && wait <= 200, `first delay ${wait} ms`);
    await q.drain();
    assert.equal(runs.length, 1, 'not run again before its time');

    await eventually(async () => (await jobRow(database, id)).run_at <= (await jobRow(database, id)).db_now);
    await q.drain();
    row = await jobRow(database, id);
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 2);
    wait = new Date(row.run_at).getTime() - new Date(row.db_now).getTime();
    // Second retry: between half and all of 400 ms.
    assert.ok(wait > 150 && wait <= 400, `second delay ${wait} ms`);

    await eventually(async () => (await jobRow(database, id)).run_at <= (await jobRow(database, id)).db_now);
    await q.drain();
    row = await jobRow(database, id);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, 'SMTP refusé (essai 3)');
    assert.ok(row.finished_at);
    assert.deepEqual(
      runs.map((r) => r.attempt),
      [1, 2, 3],
    );
    await q.drain();
    assert.equal(runs.length, 3, 'a failed job is not run again');
  });

  test('a job whose worker died mid-run runs again once its lease has expired', async () => {
    // The first worker claims the job and "dies": its handler never returns.
    const dead = queueOn(database, { leaseSeconds: 1 });
    let started!: () => void;
    const claimed = new Promise<void>((r) => (started = r));
    dead.register({ queue: 't.lease', run: () => (started(), new Promise<void>(() => {})) });
    const id = await enqueueJob(database.db, null, { queue: 't.lease', payload: { x: 1 } });
    assert.ok(id);
    void dead.drain();
    await claimed;
    let row = await jobRow(database, id);
    assert.equal(row.status, 'running');

    const alive = queueOn(database, { leaseSeconds: 1 });
    const { handler, runs } = recorder('t.lease');
    alive.register(handler);
    await alive.drain();
    assert.equal(runs.length, 0, 'not taken while the lease holds');
    await eventually(async () => {
      await alive.drain();
      return runs.length === 1;
    });
    assert.equal(runs[0]?.attempt, 2);
    row = await jobRow(database, id);
    assert.equal(row.status, 'done');
  });

  test('a job that keeps outliving its lease on its last attempt is failed, not run forever', async () => {
    const hang = queueOn(database, { leaseSeconds: 1 });
    let started!: () => void;
    const claimed = new Promise<void>((r) => (started = r));
    hang.register({ queue: 't.hang', run: () => (started(), new Promise<void>(() => {})) });
    const id = await enqueueJob(database.db, null, { queue: 't.hang', maxAttempts: 1 });
    assert.ok(id);
    void hang.drain();
    await claimed;
    const other = queueOn(database, { leaseSeconds: 1 });
    const { handler, runs } = recorder('t.hang');
    other.register(handler);
    await sleep(1100);
    await other.drain();
    assert.equal(runs.length, 0);
    const row = await jobRow(database, id);
    assert.equal(row.status, 'failed');
    assert.match(row.last_error ?? '', /Délai dépassé/);
  });

  test('a job due later waits for its time; stop() waits for the handlers running', async () => {
    const q = queueOn(database, { pollIntervalMs: 30 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const done: string[] = [];
    q.register({
      queue: 't.later',
      run: async (job) => {
        if ((job.payload as { slow?: boolean }).slow) await gate;
        done.push(JSON.stringify(job.payload));
      },
    });
    await enqueueJob(database.db, null, {
      queue: 't.later',
      payload: { at: 'later' },
      runAt: new Date(Date.now() + 300),
    });
    await enqueueJob(database.db, null, { queue: 't.later', payload: { slow: true } });
    q.start();
    await eventually(
      async () =>
        (await database.ownerQuery(`select 1 from jobs where queue = 't.later' and status = 'running'`)).rows.length ===
        1,
    );
    assert.deepEqual(done, []);
    let stopped = false;
    const stopping = q.stop().then(() => (stopped = true));
    await sleep(50);
    assert.equal(stopped, false, 'stop waits for the running handler');
    release();
    await stopping;
    assert.deepEqual(done, ['{"slow":true}']);
    const later = await database.ownerQuery(
      `select status from jobs where queue = 't.later' and payload->>'at' = 'later'`,
    );
    assert.equal(later.rows[0]?.status, 'pending', 'not claimed after stop');
  });

  test('a started worker is woken by the commit of a new job (LISTEN/NOTIFY), not only by its timer', async () => {
    const q = queueOn(database, { pollIntervalMs: 60_000 });
    const { handler, runs } = recorder('t.notify');
    q.register(handler);
    q.start();
    try {
      await sleep(100);
      await inTenant(database.db, tenantB, (trx) => enqueueJob(trx, tenantB, { queue: 't.notify', payload: 'hello' }));
      await eventually(() => runs.length === 1, 5000);
      assert.equal(runs[0]?.tenantId, tenantB);
    } finally {
      await q.stop();
    }
  });

  test('daily jobs: every instance queues the next run, it runs once and queues the following day', async () => {
    const runs: Date[] = [];
    const job = { name: 'test-daily', description: '', run: async (now: Date) => void runs.push(now) };
    // Two instances' schedulers, "before 03:30": both queue today's run.
    const now = new Date();
    const clock = { now: () => now };
    const dailyAt = `${String((now.getHours() + 1) % 24).padStart(2, '0')}:00`;
    const q1 = queueOn(database);
    const q2 = queueOn(database);
    const s1 = new DailyJobScheduler([job], { dailyAt, clock, logger: silent, db: database.db, queue: q1 });
    const s2 = new DailyJobScheduler([job], { dailyAt, clock, logger: silent, db: database.db, queue: q2 });
    await s1.ensureScheduled();
    await s2.ensureScheduled();
    const queued = await database.ownerQuery(`select id, run_at from jobs where queue = $1`, [
      dailyQueue('test-daily'),
    ]);
    assert.equal(queued.rows.length, 1, 'one job for the day, whoever queued it');
    // Make it due now, as when the time comes.
    await database.ownerQuery(`update jobs set run_at = now() where queue = $1`, [dailyQueue('test-daily')]);
    await Promise.all([q1.drain(), q2.drain()]);
    assert.equal(runs.length, 1);
    // The next one: tomorrow (the clock of the run says "now" again: the following day is queued
    // when the clock moves on).
    clock.now = () => new Date(now.getTime() + 24 * 3600_000);
    await s1.ensureScheduled();
    const after = await database.ownerQuery(`select status from jobs where queue = $1 order by run_at`, [
      dailyQueue('test-daily'),
    ]);
    assert.deepEqual(
      after.rows.map((r) => r.status),
      ['done', 'pending'],
    );
  });

  test('N jobs on two workers (two instances) run exactly once each', async () => {
    // On the server, each instance has its own connection pool; PGlite belongs to one process, where
    // two workers share its one session.
    let second: DatabaseHandle = database;
    if (TEST_DB === 'postgres') {
      const url = await appUrlOf(database);
      second = await openDatabase({ url, dataDir: 'unused', poolSize: 5, migrate: false });
    }
    try {
      const count = new Map<string, number>();
      const byWorker = [0, 0];
      const make = (db: DatabaseHandle, w: number) => {
        const q = queueOn(db, { concurrency: 4 });
        q.register({
          queue: 't.exactly-once',
          run: async (job) => {
            const n = (job.payload as { n: number }).n;
            count.set(String(n), (count.get(String(n)) ?? 0) + 1);
            byWorker[w]!++;
            await sleep(Math.random() * 5);
          },
        });
        return q;
      };
      const w1 = make(database, 0);
      const w2 = make(second, 1);
      const N = 200;
      await inTenant(database.db, tenantA, async (trx) => {
        for (let n = 0; n < N; n++) await enqueueJob(trx, tenantA, { queue: 't.exactly-once', payload: { n } });
      });
      w1.start();
      w2.start();
      await eventually(
        async () =>
          (
            await database.ownerQuery(
              `select count(*)::int as n from jobs where queue = 't.exactly-once' and status = 'done'`,
            )
          ).rows[0]?.n === N,
        30_000,
      );
      await Promise.all([w1.stop(), w2.stop()]);
      assert.equal(count.size, N);
      assert.ok(
        [...count.values()].every((c) => c === 1),
        'each job ran exactly once',
      );
      assert.ok(byWorker[0]! > 0 && byWorker[1]! > 0, `both workers took jobs: ${byWorker.join(' / ')}`);
    } finally {
      if (second !== database) await second.close();
    }
  });
});

/** The application role's URL of this test database (server only). */
async function appUrlOf(database: DatabaseHandle): Promise<string> {
  const r = await database.ownerQuery('select current_database() as name');
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${String(r.rows[0]?.name)}`;
  url.username = 'guichet_app';
  url.password = '';
  return url.toString();
}

describe(`job queue across a restart (${TEST_DB})`, () => {
  test('jobs pending when the services close run after reopening the same database', async () => {
    let open: () => Promise<DatabaseHandle>;
    let cleanup: () => Promise<void>;
    if (TEST_DB === 'pglite') {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-jobs-'));
      open = () => openDatabase({ url: undefined, dataDir: dir });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const name = `guichet_t_${randomBytes(6).toString('hex')}`;
      const { url, ownerUrl } = await createServerDatabase(PG_ADMIN_URL, name);
      open = () => openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 3 });
      cleanup = async () => {
        const a = new pg.Client({ connectionString: PG_ADMIN_URL });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      };
    }
    try {
      const first = await open();
      const tenant = await createTenant(first.ownerQuery, { name: 'Redémarrage', slug: 'redemarrage', hosts: [] });
      // One job at a time: the first one is in progress at shutdown (it finishes and is not lost).
      const q1 = queueOn(first, { concurrency: 1 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const ran1: number[] = [];
      q1.register({
        queue: 't.restart',
        run: async (job) => {
          const n = (job.payload as { n: number }).n;
          if (n === 0) await gate;
          ran1.push(n);
        },
      });
      await inTenant(first.db, tenant, async (trx) => {
        for (let n = 0; n < 3; n++) await enqueueJob(trx, tenant, { queue: 't.restart', payload: { n } });
      });
      // And one due later.
      await inTenant(first.db, tenant, (trx) =>
        enqueueJob(trx, tenant, { queue: 't.restart', payload: { n: 3 }, runAt: new Date(Date.now() + 400) }),
      );
      void q1.drain();
      await eventually(
        async () => (await first.ownerQuery(`select 1 from jobs where status = 'running'`)).rows.length === 1,
      );
      const stopping = q1.stop();
      release();
      await stopping;
      assert.deepEqual(ran1, [0]);
      await first.close();

      const second = await open();
      try {
        const q2 = queueOn(second);
        const ran2: number[] = [];
        q2.register({ queue: 't.restart', run: async (job) => void ran2.push((job.payload as { n: number }).n) });
        q2.start();
        await eventually(() => ran2.length === 3);
        await q2.stop();
        assert.deepEqual(
          ran2.sort((a, b) => a - b),
          [1, 2, 3],
        );
        const r = await second.ownerQuery(`select count(*)::int as n from jobs where status = 'done'`);
        assert.equal(r.rows[0]?.n, 4);
      } finally {
        await second.close();
      }
    } finally {
      await cleanup();
    }
  });
});
