import type { Logger } from 'pino';
import type { Clock } from './clock.ts';

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

/**
 * Runs every job once a day at a fixed time. One run at a time; stop() waits for a run in
 * progress, so shutdown never cuts a job between two transactions of a batch. Jobs are
 * idempotent: a run missed while the server was down is simply done by the next one, and two
 * instances running the same job at once do the work once.
 */
export class DailyJobScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly jobs: Job[],
    private readonly options: { dailyAt: string; clock: Clock; logger: Logger },
  ) {
    msUntilNextRun(new Date(), options.dailyAt);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = msUntilNextRun(this.options.clock.now(), this.options.dailyAt);
    this.timer = setTimeout(() => {
      this.running = this.runAll().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, delay);
    // The scheduler alone must not keep the process alive.
    this.timer.unref();
  }

  /** Runs every job now, one after the other; a failing job is logged and the next one runs. */
  async runAll(): Promise<void> {
    for (const job of this.jobs) {
      if (this.stopped) return;
      await runJob(job, this.options.clock.now(), this.options.logger).catch(() => {});
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
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
