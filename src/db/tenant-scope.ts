import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Dialect,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type TransactionSettings,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

interface TenantScope {
  tenantId: string;
  /**
   * 'transaction': the tenant is set for one transaction (`set_config(…, true)` after `begin`).
   * 'statements': statements run one by one, each in its own implicit transaction, on a
   * connection whose session-level setting is the tenant.
   */
  mode: 'transaction' | 'statements';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction scoped to one tenant: row-level security then shows and accepts
 * only that tenant's rows, whatever the query says. Every use case that touches tenant data
 * goes through here; the scope ends with the transaction.
 */
export async function inTenant<T>(db: Db, tenantId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('inTenant: not a tenant id');
  return scopedDb(db, { tenantId, mode: 'transaction' }).transaction().execute(fn);
}

/**
 * Runs `fn` on one connection scoped to one tenant, without a transaction: each statement is
 * atomic on its own, which is enough for reads and for a write done in a single statement.
 * Row-level security applies exactly as in `inTenant`. It saves the `begin` and `commit` round
 * trips, and usually the tenant setting too: the connection keeps it between uses (see
 * `TenantScopedDriver`). Anything that needs several writes to succeed or fail together uses
 * `inTenant`. Inside `fn`, use `conn` only: the pool may have a single connection (PGlite), which
 * `fn` holds.
 */
export async function withTenantConnection<T>(db: Db, tenantId: string, fn: (conn: Db) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('withTenantConnection: not a tenant id');
  return scopedDb(db, { tenantId, mode: 'statements' }).connection().execute(fn);
}

/**
 * The scope travels with the Kysely instance, not in an AsyncLocalStorage: each (tenant, mode)
 * has its own small Kysely instance over the one shared driver and pool, made once. (An
 * AsyncLocalStorage costs a hook on every promise of the process: about a tenth of the CPU of
 * the tracking page, docs/performance.md.)
 */
const scopes = new WeakMap<Db, { driver: TenantScopedDriver; byKey: Map<string, Db> }>();

function scopedDb(db: Db, scope: TenantScope): Db {
  const entry = scopes.get(db);
  if (!entry) throw new Error('not a Guichet database (openDatabase makes it)');
  const key = `${scope.mode}:${scope.tenantId}`;
  let scoped = entry.byKey.get(key);
  if (!scoped) {
    scoped = new Kysely<Database>({ dialect: scopedDialect(entry.driver, scope) });
    entry.byKey.set(key, scoped);
  }
  return scoped;
}

/** The application's database: queries made on it directly run outside any tenant (they see no tenant's rows). */
export function createTenantScopedDb(config: PostgresDialectConfig): Db {
  const driver = new TenantScopedDriver(config);
  const db = new Kysely<Database>({ dialect: scopedDialect(driver, null) });
  scopes.set(db, { driver, byKey: new Map() });
  return db;
}

function scopedDialect(driver: TenantScopedDriver, scope: TenantScope | null): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new ScopedDriver(driver, scope),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

/**
 * One view of the shared driver with a fixed scope. Only the unscoped one (the application's
 * database) owns the pool: destroying a scoped instance would leave the pool open.
 */
type PgConnection = Parameters<PostgresDriver['releaseConnection']>[0];

class ScopedDriver implements Driver {
  constructor(
    private readonly shared: TenantScopedDriver,
    private readonly scope: TenantScope | null,
  ) {}
  init(): Promise<void> {
    return this.shared.ensureInit();
  }
  acquireConnection(): Promise<DatabaseConnection> {
    return this.shared.acquireFor(this.scope);
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.shared.beginFor(connection, settings, this.scope);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.shared.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.shared.rollbackTransaction(connection as PgConnection);
  }
  savepoint: Driver['savepoint'] = (...args) => this.shared.savepoint(...args);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (...args) => this.shared.rollbackToSavepoint(...args);
  releaseSavepoint: Driver['releaseSavepoint'] = (...args) => this.shared.releaseSavepoint(...args);
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.shared.releaseConnection(connection as PgConnection);
  }
  async destroy(): Promise<void> {
    if (this.scope === null) await this.shared.destroy();
  }
}

/** The session-level tenant setting each connection is known to have ('' for none). */
const sessionTenant = new WeakMap<DatabaseConnection, string>();

/**
 * Sets the tenant on connections (tenant ids are checked UUIDs, so they can be written into
 * the statement):
 *
 * - tenant transactions open with `begin` and the transaction-local setting in one round trip;
 * - a connection handed to `withTenantConnection` gets the tenant as a session-level setting,
 *   unless it already has it;
 * - a connection handed to anything else (platform queries, jobs that list tenants) has its
 *   session-level setting cleared first, so that a query made outside any tenant scope still
 *   sees no tenant's rows.
 *
 * Only this driver writes the session-level setting, and it records what it wrote per
 * connection. A connection it has no record of (new, or recreated by the pool — with PGlite
 * every client shares one backend) is set again, whatever it is believed to hold.
 */
class TenantScopedDriver extends PostgresDriver {
  #initialised: Promise<void> | null = null;

  ensureInit(): Promise<void> {
    this.#initialised ??= this.init();
    return this.#initialised;
  }

  async acquireFor(scope: TenantScope | null): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    // In a transaction, `beginTransaction` sets the tenant locally, over any session value.
    if (scope?.mode === 'transaction') return connection;
    const wanted = scope?.tenantId ?? '';
    if (sessionTenant.get(connection) !== wanted) {
      try {
        sessionTenant.delete(connection);
        await connection.executeQuery(CompiledQuery.raw(`select set_config('guichet.tenant_id', '${wanted}', false)`));
        sessionTenant.set(connection, wanted);
      } catch (error) {
        await this.releaseConnection(connection as Parameters<PostgresDriver['releaseConnection']>[0]);
        throw error;
      }
    }
    return connection;
  }

  async beginFor(
    connection: DatabaseConnection,
    settings: TransactionSettings,
    scope: TenantScope | null,
  ): Promise<void> {
    const tenantId = scope?.mode === 'transaction' ? scope.tenantId : undefined;
    if (!tenantId || settings.isolationLevel || settings.accessMode)
      return super.beginTransaction(connection, settings);
    await connection.executeQuery(
      CompiledQuery.raw(`begin; select set_config('guichet.tenant_id', '${tenantId}', true)`),
    );
  }
}
