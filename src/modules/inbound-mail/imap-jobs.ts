import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Services } from '../../services.ts';
import { inTenant, withTenantConnection, type Db } from '../../db/tenant-scope.ts';
import type { Job } from '../../platform/jobs/daily.ts';
import { enqueueJob, type JobQueue } from '../../platform/jobs/queue.ts';
import { listEnabledMailboxes, purgeDoneMessages, purgeDonePolls } from './imap-repository.ts';
import { pollMailbox, POLL_LEASE_SECONDS } from './poll-mailbox.ts';

/** The queue of mailbox polls: one job per mailbox and interval. */
export const IMAP_POLL_QUEUE = 'inbound.imap-poll';

interface PollPayload {
  mailboxId: string;
}

/** Registers the poll handler on the queue (before it starts). */
export function registerImapPolling(queue: JobQueue, services: () => Services, logger: Logger): void {
  queue.register<PollPayload>({
    queue: IMAP_POLL_QUEUE,
    leaseSeconds: POLL_LEASE_SECONDS,
    run: async (job) => {
      if (!job.tenantId) return;
      const summary = await pollMailbox(services(), { tenantId: job.tenantId, mailboxId: job.payload.mailboxId });
      // The mailbox's own row keeps the error for the administrators; the log says it once more.
      if (summary.status === 'failed')
        logger.warn({ tenantId: job.tenantId, error: summary.error }, 'IMAP poll failed');
      else if (summary.status === 'polled' && summary.found + summary.failed > 0)
        logger.info({ tenantId: job.tenantId, ...summary }, 'IMAP mailbox polled');
    },
  });
}

/**
 * Queues a poll of every enabled mailbox each interval (IMAP_POLL_INTERVAL_SECONDS), like the
 * daily jobs: every instance queues it, keyed by mailbox and interval, so one job exists per
 * interval and one instance runs it. The mailbox's lease (poll-mailbox.ts) keeps a slow poll and
 * the next one apart.
 */
export class MailboxPollScheduler {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly options: { intervalSeconds: number; logger: Logger; now: () => Date },
  ) {}

  /** Queues this interval's poll of each enabled mailbox, unless it already is. Returns how many were new. */
  async queuePolls(): Promise<number> {
    const intervalMs = this.options.intervalSeconds * 1000;
    const slot = Math.floor(this.options.now().getTime() / intervalMs);
    let queued = 0;
    for (const m of await listEnabledMailboxes(this.db)) {
      const id = await withTenantConnection(this.db, m.tenant_id, (conn) =>
        enqueueJob(conn, m.tenant_id, {
          queue: IMAP_POLL_QUEUE,
          payload: { mailboxId: m.id } satisfies PollPayload,
          uniqueKey: `${m.id}:${slot}`,
          // A failed poll is recorded on the mailbox; the next interval polls again.
          maxAttempts: 1,
        }),
      );
      if (id) queued += 1;
    }
    return queued;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => this.queuePolls().catch((err) => this.options.logger.warn({ err }, 'IMAP polls not queued'));
    void tick();
    this.timer = setInterval(tick, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Daily: polls done more than a day ago, and messages moved more than 30 days ago, go. */
export function inboundMailJobs(db: Db): Job[] {
  return [
    {
      name: 'imap-purge',
      description: 'Delete IMAP polls done more than a day ago and messages moved more than 30 days ago.',
      run: async () => {
        const tenants = await sql<{ id: string }>`select guichet_tenant_ids() as id`.execute(db);
        let polls = 0;
        let messages = 0;
        for (const { id } of tenants.rows) {
          await inTenant(db, id, async (trx) => {
            polls += await purgeDonePolls(trx, IMAP_POLL_QUEUE);
            messages += await purgeDoneMessages(trx, 30);
          });
        }
        return { polls, messages };
      },
    },
  ];
}
