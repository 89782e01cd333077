import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { createApp } from '../../src/app.ts';
import type { Services } from '../../src/services.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { buildServices } from '../../src/services.ts';

/** Which database this test run uses: set by test/run.ts (pglite by default). */
export const TEST_DB = (process.env.GUICHET_TEST_DB ?? 'pglite') as 'pglite' | 'postgres';
export const PG_ADMIN_URL = process.env.GUICHET_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MIGRATIONS_DIR = path.join(ROOT, 'src', 'db', 'migrations');

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  config: Config;
  /** Villebelle, the demo tenant, when seeded. */
  tenantId: string;
  close: () => Promise<void>;
}

/**
 * A fresh database (in-memory PGlite, or a new database on the PostgreSQL server), migrated,
 * optionally seeded with the Villebelle demo, and the app built on it (not listening).
 */
/**
 * Creates database `name` on the PostgreSQL server of `adminUrl` (dropped first if it exists),
 * migrates it as the owner (which creates the application role), and returns the owner's URL and
 * the URL of the unprivileged application role, which logs in as production does.
 */
export async function createServerDatabase(adminUrl: string, name: string): Promise<{ url: string; ownerUrl: string }> {
  // Copied from the migrated template of this set of migrations when there is one (decision 44).
  const template = `guichet_tpl_${migrationsHash().slice(0, 20)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  const hasTemplate =
    ((await admin.query('select 1 from pg_database where datname = $1', [template])).rowCount ?? 0) > 0;
  await admin.query(`create database ${name}${hasTemplate ? ` template ${template}` : ''}`);
  const owner = new URL(adminUrl);
  owner.pathname = `/${name}`;
  try {
    const migrated = await openDatabase({ url: owner.toString(), dataDir: 'unused', poolSize: 1 });
    await migrated.ownerQuery(`do $$ begin alter role guichet_app login; exception when others then null; end $$`);
    await migrated.close();
    if (!hasTemplate) await makeTemplate(admin, template, name);
  } finally {
    await admin.end();
  }
  const app = new URL(owner);
  app.username = 'guichet_app';
  app.password = '';
  return { url: app.toString(), ownerUrl: owner.toString() };
}

/**
 * The migrated empty database of this set of migrations, kept in the system's temporary folder
 * (its name carries a hash of every migration file and PGlite's version): each test file on
 * PGlite starts from it instead of replaying a hundred migrations, which took most of a test
 * file's set-up (decision 44). Pending migrations would still run; a changed file changes the
 * name.
 */
function pgliteTemplatePath(): string {
  const hash = createHash('sha256')
    .update(migrationsHash())
    .update(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  return path.join(os.tmpdir(), `guichet-test-pglite-${hash.digest('hex').slice(0, 20)}.tar`);
}

/**
 * Copies the freshly migrated `source` as `template`. The connections just closed may linger a
 * moment on the server (a backend ends after the client): a few tries. Another test process may
 * be making the same template at the same moment: either wins, and a failure only means the next
 * database migrates from scratch again.
 */
async function makeTemplate(admin: pg.Client, template: string, source: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await admin.query(`create database ${template} template ${source}`);
      return;
    } catch (err) {
      if (!/being accessed by other users/.test((err as Error).message)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A hash of every migration file's name and content: the templates' names carry it. */
function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file);
    hash.update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex');
}

function readPgliteTemplate(): { blob: Blob } | null {
  const file = pgliteTemplatePath();
  return existsSync(file) ? { blob: new Blob([readFileSync(file)]) } : null;
}

async function writePgliteTemplate(database: DatabaseHandle): Promise<void> {
  const file = pgliteTemplatePath();
  const blob = await database.dumpDataDir!();
  // Written aside then renamed: another test process reads either nothing or the whole file.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
  renameSync(partial, file);
}

export async function createTestDatabase(): Promise<{
  database: DatabaseHandle;
  url?: string;
  drop: () => Promise<void>;
}> {
  if (TEST_DB === 'pglite') {
    const template = readPgliteTemplate();
    const database = await openDatabase({
      url: undefined,
      dataDir: 'memory://',
      ...(template ? { loadDataDir: template.blob } : {}),
    });
    if (!template) await writePgliteTemplate(database);
    return { database, drop: async () => {} };
  }
  const name = `guichet_t_${randomBytes(6).toString('hex')}`;
  const { url, ownerUrl } = await createServerDatabase(PG_ADMIN_URL, name);
  const database = await openDatabase({ url, ownerUrl, dataDir: 'unused', poolSize: 5 });
  return {
    database,
    url,
    drop: async () => {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function createTestContext(
  options: {
    seed?: boolean;
    env?: Record<string, string>;
    clock?: Clock;
    logger?: Logger;
    onRoute?: Parameters<typeof createApp>[1] extends infer O ? (O extends { onRoute?: infer F } ? F : never) : never;
  } = {},
): Promise<TestContext> {
  const { database, drop } = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GUICHET_DATA_DIR: `/tmp/guichet-test-${randomBytes(4).toString('hex')}`,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    // Tests sign in wrongly on purpose and often; test/security sets the real delays back.
    LOGIN_DELAY_BASE_MS: '0',
    // Every login, second factor, registration and reset from one address shares one budget
    // (10 a minute by default), and a test file signs in many times: tests of the limit set it.
    LOGIN_RATE_LIMIT: '100',
    ...options.env,
  });
  let tenantId = '';
  if (options.seed !== false) tenantId = (await seedDemo(database)).tenantId;
  const services = buildServices(config, database, pino({ level: 'silent' }), {
    clock: options.clock,
    mailIntervalMs: 100,
  });
  const app = await createApp(services, { logger: options.logger ?? false, onRoute: options.onRoute });
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    tenantId,
    close: async () => {
      await app.close();
      services.dailyJobs.stop();
      await services.jobs.stop();
      await services.mail.stop();
      await database.close();
      await drop();
    },
  };
}
