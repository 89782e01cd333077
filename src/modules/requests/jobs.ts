import type { Config } from '../../config.ts';
import type { Db } from '../../db/tenant-scope.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Job } from '../../platform/jobs/daily.ts';
import type { JobQueue } from '../../platform/jobs/queue.ts';
import { checkDeadlines, DEADLINE_WARNING_QUEUE, type DeadlineWarningPayload } from './check-deadlines.ts';
import { sendDeadlineWarning } from './deadline-warning.ts';

/** The requests module's daily jobs. */
export function requestJobs(db: Db): Job[] {
  return [
    {
      name: 'deadlines',
      description: 'Record items past their due date; queue a warning to the agents of items due soon.',
      run: (now) => checkDeadlines(db, now),
    },
  ];
}

/** The requests module's background work: the deadline warnings. */
export function registerRequestJobs(
  queue: JobQueue,
  deps: { db: Db; config: Pick<Config, 'publicBaseUrl'>; clock: Clock; mailQueued: () => void },
): void {
  queue.register<DeadlineWarningPayload>({
    queue: DEADLINE_WARNING_QUEUE,
    run: async (job) => {
      if ((await sendDeadlineWarning(deps.db, deps.config, job, deps.clock.now())) > 0) deps.mailQueued();
    },
  });
}
