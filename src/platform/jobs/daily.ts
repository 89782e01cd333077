import type { Logger } from 'pino';
import type { Db } from '../../db/tenant-scope.ts';
import type { Clock } from '../clock.ts';
import { enqueueJob, type JobQueue } from './queue.ts';

/** A task run once a day (and on demand from the command line: `npm run job -- <name>`). */
export interface Job {
  name: string;
  description: string;
  /** Returns a summary for the log and the command line. */
  run(now: Date): Promise<unknown>;
}

/** Milliseconds from `now` to the next `HH:MM` (server local time), always in the future. */
export function msUntilNextRun(now: Date, dailyAt: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(dailyAt);
  if (!m) throw new Error(`invalid daily time ${dailyAt}`);
  const next = new Date(now);
  next.setHours(Number(m[1]), Number(m[2]), 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next.getTime() - now.getTime();
}

/** The queue of a daily job: `daily.<name>`. */
export function dailyQueue(name: string): string {
  return `daily.${name}`;
}

/** `YYYY-MM-DD` of a date in server local time (the daily jobs' unique key). */
function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** How often each instance checks that the next run of every daily job is queued. */
const ENSURE_INTERVAL_MS = 3600_000;

/**
 * Runs every job once a day at a fixed time, through the job queue: the next run of each job is a
 * queued job `daily.<name>` due at the next `HH:MM`, with the day as its unique key. Every
 * instance queues it (at start, hourly, and after each run); the unique key keeps one job a day,
 * and the queue runs it once, on one instance. A run missed while every server was down runs as
 * soon as one starts, since its job is still due. A run that fails is retried like any job.
 */
export class DailyJobScheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** Every daily job (`npm run job` lists them). */
    readonly jobs: Job[],
    private readonly options: { dailyAt: string; clock: Clock; logger: Logger; db: Db; queue: JobQueue },
  ) {
    msUntilNextRun(new Date(), options.dailyAt);
    for (const job of jobs) {
      options.queue.register({
        queue: dailyQueue(job.name),
        // Retention may take a while on a large database: keep other instances off for an hour.
        leaseSeconds: 3600,
        run: async () => {
          await runJob(job, options.clock.now(), options.logger);
          await this.ensureScheduled();
        },
      });
    }
  }

  /** Queues each job's next run, unless it already is (idempotent across instances). */
  async ensureScheduled(): Promise<void> {
    const now = this.options.clock.now();
    const next = new Date(now.getTime() + msUntilNextRun(now, this.options.dailyAt));
    for (const job of this.jobs) {
      await enqueueJob(this.options.db, null, {
        queue: dailyQueue(job.name),
        runAt: next,
        uniqueKey: localDay(next),
        maxAttempts: 3,
      });
    }
  }

  start(): void {
    const ensure = () =>
      this.ensureScheduled().catch((err) => this.options.logger.warn({ err }, 'daily jobs not scheduled'));
    void ensure();
    this.timer = setInterval(ensure, ENSURE_INTERVAL_MS);
    // The scheduler alone must not keep the process alive.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Runs one job, logging its start, outcome and duration; rethrows its error. */
export async function runJob(job: Job, now: Date, logger: Logger): Promise<unknown> {
  const started = Date.now();
  logger.info({ job: job.name }, 'job started');
  try {
    const result = await job.run(now);
    logger.info({ job: job.name, ms: Date.now() - started, result }, 'job finished');
    return result;
  } catch (err) {
    logger.error({ job: job.name, ms: Date.now() - started, err }, 'job failed');
    throw err;
  }
}
