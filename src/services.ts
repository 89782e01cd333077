import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import type { Db } from './db/tenant-scope.ts';
import { TenantResolver } from './modules/tenants/resolve-tenant.ts';
import { CacheRegistry } from './platform/cache.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { inboundMailJobs, MailboxPollScheduler, registerImapPolling } from './modules/inbound-mail/imap-jobs.ts';
import { privacyJobs } from './modules/privacy/jobs.ts';
import { registerRequestJobs, requestJobs } from './modules/requests/jobs.ts';
import { DailyJobScheduler, type Job } from './platform/jobs/daily.ts';
import { JobQueue, purgeFinishedJobs } from './platform/jobs/queue.ts';
import { createMailTransport, MailOutboxWorker } from './platform/mail.ts';
import { SessionCache } from './platform/session-cache.ts';
import { createLlmClient, type LlmClient } from './platform/llm/index.ts';
import { assistantJobs } from './modules/assistant/jobs.ts';
import { resultsJobs } from './modules/results/jobs.ts';
import { moduleResultsSources } from './modules/results/module-sources.ts';
import { createSmsProvider } from './platform/sms/index.ts';
import { registerSmsJobs } from './platform/sms/outbox.ts';
import type { SmsProvider } from './platform/sms/provider.ts';
import { createApiParticulier, type ApiParticulier } from './platform/api-particulier/index.ts';
import { registerAppointmentJobs } from './modules/appointments/reminders.ts';

/**
 * Everything the routes, use cases and workers need, wired by hand in buildServices (main.ts,
 * worker.ts, the test harness). Modules import this type, never app.ts.
 */
export interface Services {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  tenants: TenantResolver;
  mail: MailOutboxWorker;
  /** The job queue's worker in this process; `enqueueJob` (platform/jobs/queue.ts) queues work for it. */
  jobs: JobQueue;
  /** Where text messages go (SMS_PROVIDER); the `sms.send` job hands them to it. */
  sms: SmsProvider;
  /** API Particulier (API_PARTICULIER_URL), or null: the State's data instead of documents (decision 31). */
  apiParticulier: ApiParticulier | null;
  /** Queues the daily jobs' next runs (retention, queue purge) on the job queue. */
  dailyJobs: DailyJobScheduler;
  /** Queues a poll of each tenant's IMAP mailbox every IMAP_POLL_INTERVAL_SECONDS. */
  mailboxPolls: MailboxPollScheduler;
  clock: Clock;
  /** In-process caches of rarely changing data (catalogue pages, stored forms), by name. */
  caches: CacheRegistry;
  /** Agent and citizen sessions this process has checked, invalidated by PostgreSQL notifications. */
  sessionCache: SessionCache;
  /** The language model the assistant may ask to draft (LLM_BASE_URL); null: local answers only. */
  llm: LlmClient | null;
}

/** Wires the services every route and worker use. Explicit, no container. */
export function buildServices(
  config: Config,
  database: DatabaseHandle,
  logger: Logger,
  options: {
    clock?: Clock;
    mailIntervalMs?: number;
    mailWorker?: boolean;
    /** Another SMS provider than SMS_PROVIDER's (the contract test). */
    smsProvider?: SmsProvider;
    /** Overrides of the queue's settings (tests: short backoff). */
    jobs?: Partial<ConstructorParameters<typeof JobQueue>[3]>;
  } = {},
): Services {
  const transport = createMailTransport({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox') });
  const clock = options.clock ?? systemClock;
  const jobs = new JobQueue(database.db, database.notifications, logger, {
    enabled: config.jobsEnabled,
    concurrency: config.jobsConcurrency,
    pollIntervalMs: config.jobsPollIntervalMs,
    leaseSeconds: config.jobsLeaseSeconds,
    ...options.jobs,
  });
  // Handlers of background work are registered here, before the queue starts.
  const daily = [
    ...privacyJobs(database.db, logger),
    ...requestJobs(database.db),
    ...inboundMailJobs(database.db),
    ...platformJobs(database.db),
    ...assistantJobs(database.db),
    ...resultsJobs(database.db, moduleResultsSources),
  ];
  const dailyJobs = new DailyJobScheduler(daily, {
    dailyAt: config.jobsDailyAt,
    clock,
    logger,
    db: database.db,
    queue: jobs,
  });
  const mail = new MailOutboxWorker(
    database.db,
    transport,
    config.mailFrom,
    logger,
    options.mailIntervalMs,
    options.mailWorker ?? config.mailWorkerEnabled,
  );
  registerRequestJobs(jobs, { db: database.db, config, clock, mailQueued: () => mail.kick() });
  registerAppointmentJobs(jobs, { db: database.db, mailFrom: config.mailFrom, clock, mailQueued: () => mail.kick() });
  const sms = options.smsProvider ?? createSmsProvider(config);
  registerSmsJobs(jobs, { db: database.db, provider: sms, sender: config.sms.sender, logger });
  // The poll runs the inbound pipeline, which takes the whole of Services: given once built.
  registerImapPolling(jobs, () => services, logger);
  const services: Services = {
    config,
    database,
    db: database.db,
    tenants: new TenantResolver(database.db, clock),
    mail,
    jobs,
    sms,
    apiParticulier: createApiParticulier(config, clock),
    dailyJobs,
    mailboxPolls: new MailboxPollScheduler(database.db, {
      intervalSeconds: config.inbound.imapPollIntervalSeconds,
      logger,
      now: () => clock.now(),
    }),
    clock,
    caches: new CacheRegistry(clock),
    // Listens (one connection) from its first session check: the worker, which checks none, does not.
    sessionCache: new SessionCache(database.notifications, {
      onTouchError: (err) => logger.warn({ err }, 'session activity not recorded'),
    }),
    llm: createLlmClient(config),
  };
  return services;
}

/** The platform's own daily jobs. */
function platformJobs(db: Db): Job[] {
  return [
    {
      name: 'jobs-purge',
      description: 'Delete background jobs done or abandoned more than 30 days ago.',
      run: async () => ({ deleted: await purgeFinishedJobs(db, 30) }),
    },
  ];
}
