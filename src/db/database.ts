import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import { runMigrations, APP_ROLE } from './migrate.ts';
import { prepareStatements } from './prepared-statements.ts';
import {
  EmbeddedNotifications,
  LISTEN_SELF_DELIVERED,
  ServerNotifications,
  type Notifications,
} from './notifications.ts';
import type { Database } from './schema.ts';
import { createTenantScopedDb } from './tenant-scope.ts';

// Keep `date` as 'YYYY-MM-DD' (no time-zone shift) and counts as numbers.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(20, (v: string) => Number(v));

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Kysely<Database>;
  /** Runs one query as the schema owner (migrations, tenant creation, tests' direct SQL as owner). */
  ownerQuery: (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  /** LISTEN/NOTIFY for this process (the session caches' invalidation, decision 8). */
  notifications: Notifications;
  /** Embedded only: the data folder as a tarball (PGlite's dumpDataDir), to start another from it. */
  dumpDataDir?: () => Promise<Blob>;
  close: () => Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… for a PostgreSQL server; undefined for embedded PGlite. */
  url: string | undefined;
  /** Connection used for migrations and tenant creation; defaults to `url`. */
  ownerUrl?: string;
  /** Folder for PGlite's files; 'memory://' keeps everything in memory (tests). */
  dataDir: string;
  poolSize?: number;
  migrate?: boolean;
  /**
   * Embedded only: start from this data folder (a tarball made by `dumpDataDir`) instead of an
   * empty one — the tests' migrated template, so that each test file does not replay every
   * migration. Pending migrations still run.
   */
  loadDataDir?: Blob;
}

/**
 * Opens the database and runs pending migrations. The returned Kysely instance works as the
 * `guichet_app` role, which has neither SUPERUSER nor BYPASSRLS: row-level security applies
 * to every query the application makes, on PGlite and on the server alike.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url)
    return openServer(options.url, options.ownerUrl ?? options.url, options.poolSize ?? 10, options.migrate ?? true);
  return openEmbedded(options.dataDir, options.migrate ?? true, options.loadDataDir);
}

async function openServer(url: string, ownerUrl: string, poolSize: number, migrate: boolean): Promise<DatabaseHandle> {
  // Every connection listens for its own notifications, the owner's too (tests' direct SQL).
  const notifications = new ServerNotifications(url);
  const onConnect = (client: pg.ClientBase) => notifications.prepare(client);
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1, connectionTimeoutMillis: 5000, onConnect });
  owner.on('error', () => {});
  const ownerQuery = async (text: string, params?: unknown[]) => owner.query(text, params as unknown[]);
  if (migrate) await runMigrations(ownerQuery);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, onConnect });
  // A dropped connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // The pool only listens to idle clients: one checked out by Kysely between two statements
  // would emit an unhandled 'error' when its connection drops, and kill the process.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareStatements(client);
  });
  // The right set-up logs in as a role without SUPERUSER or BYPASSRLS (see docs/configuration.md).
  // A privileged login (development) switches to the application role on every connection.
  const probe = await pool.query<{ privileged: boolean }>(
    'select rolsuper or rolbypassrls as privileged from pg_roles where rolname = current_user',
  );
  if (probe.rows[0]?.privileged) {
    pool.on('connect', (client) => {
      client.query(`set role ${APP_ROLE}`).catch(() => {});
    });
    // Connections opened by the probe predate the hook.
    await pool.query('discard all');
    await pool.query(`set role ${APP_ROLE}; ${LISTEN_SELF_DELIVERED}`);
  }
  const db = createTenantScopedDb({ pool });
  return {
    kind: 'postgres',
    db,
    ownerQuery,
    notifications,
    close: async () => {
      await notifications.close();
      await db.destroy();
      await owner.end();
    },
  };
}

async function openEmbedded(dataDir: string, migrate: boolean, loadDataDir?: Blob): Promise<DatabaseHandle> {
  let dir = dataDir;
  let lock: DataDirLock | null = null;
  if (!dataDir.startsWith('memory://')) {
    dir = path.resolve(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    // One process per data folder: a second one would work on a copy and lose what it writes.
    lock = lockDataDir(path.resolve(dataDir));
  }
  try {
    return await openEmbeddedLocked(dir, migrate, lock, loadDataDir);
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function openEmbeddedLocked(
  dir: string,
  migrate: boolean,
  lock: DataDirLock | null,
  loadDataDir?: Blob,
): Promise<DatabaseHandle> {
  // Loaded only for the embedded database: a server deployment does not carry PGlite in memory.
  const [{ PGlite }, { btree_gin }, { btree_gist }, { citext }, { pg_trgm }, { unaccent }, { createPgConfig }] =
    await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/btree_gin'),
      import('@electric-sql/pglite/contrib/btree_gist'),
      import('@electric-sql/pglite/contrib/citext'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/unaccent'),
      import('@electric-sql/pglite/node-postgres'),
    ]);
  const pglite = await PGlite.create(dir, {
    extensions: { btree_gin, btree_gist, citext, pg_trgm, unaccent },
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  if (migrate) {
    await runMigrations(async (text, params) => {
      // Migration files hold several statements: only the simple protocol (exec) takes them.
      if (!params) {
        const results = await pglite.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      }
      const r = await pglite.query<Record<string, unknown>>(text, params);
      return { rows: r.rows };
    });
  }
  await pglite.exec(`set role ${APP_ROLE}`);
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.query(`set role ${APP_ROLE}`).catch(() => {});
  });
  const db = createTenantScopedDb({ pool });
  // PGlite has a single session: the owner's queries take the pool's one connection like any
  // other, so they wait for an application transaction in progress instead of running inside it.
  const ownerQuery = async (text: string, params?: unknown[]) => {
    const client = await pool.connect();
    try {
      await client.query('reset role');
      const r = await client.query(text, params as unknown[]);
      return { rows: r.rows as Record<string, unknown>[] };
    } finally {
      await client.query(`set role ${APP_ROLE}`).catch(() => {});
      client.release();
    }
  };
  const notifications = new EmbeddedNotifications(pglite, pool);
  return {
    kind: 'pglite',
    db,
    ownerQuery,
    notifications,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    close: async () => {
      await notifications.close();
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}
