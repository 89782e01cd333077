import type { Tx } from '../../db/tenant-scope.ts';

/** A job that used all its attempts, as the administrators' page shows it. */
export interface FailedJob {
  id: string;
  queue: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  failedAt: Date | null;
}

/** At most this many on the page, most recent failures first. */
export const FAILED_JOBS_SHOWN = 100;

/** The tenant's failed jobs (the dead letter); row-level security keeps it to the tenant of `trx`. */
export async function listFailedJobs(trx: Tx): Promise<{ jobs: FailedJob[]; total: number }> {
  const [rows, count] = await Promise.all([
    trx
      .selectFrom('jobs')
      .select(['id', 'queue', 'attempts', 'last_error', 'created_at', 'finished_at'])
      .where('status', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .orderBy('id')
      .limit(FAILED_JOBS_SHOWN)
      .execute(),
    trx
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    jobs: rows.map((r) => ({
      id: r.id,
      queue: r.queue,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      failedAt: r.finished_at,
    })),
    total: Number(count.n),
  };
}
