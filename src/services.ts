import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import type { Db } from './db/tenant-scope.ts';
import { TenantResolver } from './modules/tenants/resolve-tenant.ts';
import { CacheRegistry } from './platform/cache.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createMailTransport, MailOutboxWorker } from './platform/mail.ts';
import { SessionCache } from './platform/session-cache.ts';

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
  clock: Clock;
  /** In-process caches of rarely changing data (catalogue pages, stored forms), by name. */
  caches: CacheRegistry;
  /** Agent and citizen sessions this process has checked, invalidated by PostgreSQL notifications. */
  sessionCache: SessionCache;
}

/** Wires the services every route and worker use. Explicit, no container. */
export function buildServices(
  config: Config,
  database: DatabaseHandle,
  logger: Logger,
  options: { clock?: Clock; mailIntervalMs?: number; mailWorker?: boolean } = {},
): Services {
  const transport = createMailTransport({ smtpUrl: config.smtpUrl, outboxDir: path.join(config.dataDir, 'outbox') });
  const clock = options.clock ?? systemClock;
  return {
    config,
    database,
    db: database.db,
    tenants: new TenantResolver(database.db, clock),
    mail: new MailOutboxWorker(
      database.db,
      transport,
      config.mailFrom,
      logger,
      options.mailIntervalMs,
      options.mailWorker ?? config.mailWorkerEnabled,
    ),
    clock,
    caches: new CacheRegistry(clock),
    // Listens (one connection) from its first session check: the worker, which checks none, does not.
    sessionCache: new SessionCache(database.notifications, {
      onTouchError: (err) => logger.warn({ err }, 'session activity not recorded'),
    }),
  };
}
