import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Notifications } from '../../db/notifications.ts';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { withTenantConnection } from '../../db/tenant-scope.ts';

/**
 * Durable background work (decision 16): one queue table in the application's database.
 *
 * - `enqueueJob(trx, tenantId, job)` inserts a job in the caller's transaction: it exists if and
 *   only if the change that asked for it committed.
 * - `JobQueue` (one per process, `services.jobs`) claims due jobs in a short transaction (lease in
 *   `locked_until`, attempts + 1, FOR UPDATE SKIP LOCKED so that workers of several instances take
 *   different jobs), commits, runs the handler with no transaction open, and marks the job done,
 *   pending again after a backoff, or failed (the dead letter the administrators see) in a second
 *   short transaction.
 *
 * A handler may run more than once (a worker that dies after the handler's work but before the
 * mark, a lease shorter than the run): make it idempotent, or check what it already did.
 */

/** What a caller asks for. */
export interface JobRequest {
  /** Names the handler: lower case, digits and `_.-` (e.g. `mail.send`, `deadline.warning`). */
  queue: string;
  /** Anything JSON; the handler gets it back. Keep it small: ids, not documents. */
  payload?: unknown;
  /** Not before this time (default: now). */
  runAt?: Date;
  /**
   * At most one job per (tenant, queue, key), whatever its status: a second enqueue is a no-op.
   * E.g. `${requestId}:${day}` for one deadline warning per request per day.
   */
  uniqueKey?: string;
  /** Runs before the job is failed for good (default 5). */
  maxAttempts?: number;
}

/**
 * Queues a job in the caller's transaction. `trx` is scoped to `tenantId` (`inTenant`,
 * `withTenantConnection`), or to no tenant for a platform job (`tenantId` null); row-level
 * security refuses any other. Returns the job's id, or null when `uniqueKey` is already taken.
 * The workers of every instance are woken when the transaction commits (NOTIFY guichet_jobs).
 */
export async function enqueueJob(trx: Tx | Db, tenantId: string | null, job: JobRequest): Promise<string | null> {
  const row = await trx
    .insertInto('jobs')
    .values({
      tenant_id: tenantId,
      queue: job.queue,
      payload: JSON.stringify(job.payload ?? {}),
      run_at: job.runAt ?? sql<Date>`now()`,
      unique_key: job.uniqueKey ?? null,
      max_attempts: job.maxAttempts ?? 5,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'queue', 'unique_key']).where('unique_key', 'is not', null).doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** A claimed job, as its handler gets it. */
export interface RunningJob<P = unknown> {
  id: string;
  tenantId: string | null;
  queue: string;
  payload: P;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
}

export interface JobHandler<P = unknown> {
  queue: string;
  /** Throws to fail this attempt (retried after a backoff until the job's maxAttempts). */
  run(job: RunningJob<P>): Promise<void>;
  /** Lease of one run; past it the job may run again elsewhere (default JOBS_LEASE_SECONDS). */
  leaseSeconds?: number;
}

export interface JobQueueOptions {
  /** False: jobs are queued but this process runs none (another instance or `npm run worker` does). */
  enabled: boolean;
  concurrency: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  /** First retry delay; doubled at each attempt, with jitter, up to backoffMaxMs. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** The NOTIFY channel the insert trigger uses (migration 20261203120000_job_queue.sql). */
export const JOBS_CHANNEL = 'guichet_jobs';
const ERROR_MAX_LENGTH = 2000;

/**
 * Delay before retrying after failed attempt `attempt` (1, 2, …): base × 2^(attempt−1), capped,
 * of which the second half is random ("equal jitter"), so that jobs failing together (an SMTP
 * server down) do not all come back at the same second.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

interface ClaimedRow {
  id: string;
  tenant_id: string | null;
  queue: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/**
 * This process's worker on the queue. Handlers are registered before `start()`; only their queues
 * are claimed, so an instance that does not know a job (a rolling deployment) leaves it to one
 * that does. Woken by the insert notification, and by a timer for jobs due later and retries.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly notifications: Notifications,
    private readonly logger: Logger,
    private readonly options: JobQueueOptions,
  ) {}

  register<P>(handler: JobHandler<P>): void {
    if (this.handlers.has(handler.queue)) throw new Error(`a handler is already registered for ${handler.queue}`);
    this.handlers.set(handler.queue, handler as JobHandler);
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  start(): void {
    if (!this.options.enabled || this.started) return;
    this.started = true;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.timer.unref();
    this.unsubscribe = this.notifications.subscribe(JOBS_CHANNEL, {
      notify: () => this.kick(),
      listening: () => this.kick(),
      lost: () => {},
    });
    this.kick();
  }

  /** Looks for due jobs soon (called by the notification, the timer, and a finished job). */
  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err) => this.logger.warn({ err }, 'job queue: claim failed'))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Runs every job due now, and waits for them (tests, `npm run job`). Works whether or not the
   * queue was started, but not after `stop()`.
   */
  async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      if (this.pumping) await this.pumping;
      const claimed = await this.claimAndRun();
      if (claimed === 0 && this.active.size === 0) return;
      if (claimed === 0) await Promise.race(this.active);
    }
  }

  /** Stops claiming and waits for the handlers running now (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.pumping) await this.pumping;
    await Promise.allSettled([...this.active]);
    this.started = false;
  }

  private async pump(): Promise<void> {
    while (!this.stopped && (await this.claimAndRun()) > 0) {
      // Keeps claiming while there is room and work.
    }
  }

  /** Claims as many due jobs as there is room for and starts them; returns how many. */
  private async claimAndRun(): Promise<number> {
    const room = this.options.concurrency - this.active.size;
    if (room <= 0 || this.handlers.size === 0) return 0;
    // Queues grouped by lease: one claim per distinct lease (usually one).
    const byLease = new Map<number, string[]>();
    for (const h of this.handlers.values()) {
      const lease = h.leaseSeconds ?? this.options.leaseSeconds;
      byLease.set(lease, [...(byLease.get(lease) ?? []), h.queue]);
    }
    let claimed = 0;
    for (const [lease, queues] of byLease) {
      const left = room - claimed;
      if (left <= 0 || this.stopped) break;
      const rows = await sql<ClaimedRow>`
        select id, tenant_id, queue, payload, attempts, max_attempts
        from guichet_claim_jobs(${queues}::text[], ${left}::int, ${lease}::int)`.execute(this.db);
      for (const row of rows.rows) {
        const run: Promise<void> = this.execute(row).finally(() => {
          this.active.delete(run);
          this.kick();
        });
        this.active.add(run);
      }
      claimed += rows.rows.length;
    }
    return claimed;
  }

  private async execute(row: ClaimedRow): Promise<void> {
    const handler = this.handlers.get(row.queue);
    const job: RunningJob = {
      id: row.id,
      tenantId: row.tenant_id,
      queue: row.queue,
      payload: row.payload,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    const started = Date.now();
    let error: unknown = null;
    try {
      if (!handler) throw new Error(`no handler for queue ${row.queue}`);
      await handler.run(job);
    } catch (err) {
      error = err ?? new Error('failed');
    }
    try {
      await this.finish(job, error);
    } catch (err) {
      // The lease expires and the job runs again: handlers are idempotent.
      this.logger.error({ err, jobId: job.id, queue: job.queue }, 'job queue: outcome not recorded');
      return;
    }
    const log = { jobId: job.id, queue: job.queue, attempt: job.attempt, ms: Date.now() - started };
    if (!error) this.logger.debug(log, 'job done');
    else if (job.attempt >= job.maxAttempts) this.logger.error({ ...log, err: error }, 'job failed for good');
    else this.logger.warn({ ...log, err: error }, 'job failed, will retry');
  }

  /**
   * Records the outcome, only if the job is still this run's (status running, same attempt): a
   * run that outlived its lease, whose job another worker took, changes nothing.
   */
  private async finish(job: RunningJob, error: unknown): Promise<void> {
    const record = async (conn: Db) => {
      let update = conn.updateTable('jobs').where('id', '=', job.id).where('status', '=', 'running');
      update = update.where('attempts', '=', job.attempt);
      if (!error) {
        return update
          .set({ status: 'done', locked_until: null, finished_at: sql<Date>`now()`, last_error: null })
          .executeTakeFirst();
      }
      const message = describeError(error);
      if (job.attempt >= job.maxAttempts) {
        return update
          .set({ status: 'failed', locked_until: null, finished_at: sql<Date>`now()`, last_error: message })
          .executeTakeFirst();
      }
      const delay = backoffDelayMs(
        job.attempt,
        this.options.backoffBaseMs ?? 10_000,
        this.options.backoffMaxMs ?? 3_600_000,
      );
      return update
        .set({
          status: 'pending',
          locked_until: null,
          last_error: message,
          run_at: sql<Date>`now() + make_interval(secs => ${delay / 1000})`,
        })
        .executeTakeFirst();
    };
    const result =
      job.tenantId === null ? await record(this.db) : await withTenantConnection(this.db, job.tenantId, record);
    if (Number(result.numUpdatedRows) === 0)
      this.logger.warn({ jobId: job.id, queue: job.queue }, 'job queue: lease lost before the outcome was recorded');
  }
}

function describeError(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, ERROR_MAX_LENGTH);
}

/**
 * Deletes jobs done or abandoned more than `days` ago, tenant by tenant and the platform's
 * (a daily job). Failed jobs stay until an administrator retries or abandons them.
 */
export async function purgeFinishedJobs(db: Db, days: number): Promise<number> {
  const purge = async (conn: Db) => {
    const r = await conn
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'abandoned'])
      .where('finished_at', '<', sql<Date>`now() - make_interval(days => ${days}::int)`)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  };
  let n = await purge(db);
  const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
  for (const { id } of tenants.rows) n += await withTenantConnection(db, id, purge);
  return n;
}
