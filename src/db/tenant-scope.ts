import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type Kysely,
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

const currentScope = new AsyncLocalStorage<TenantScope>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction scoped to one tenant: row-level security then shows and accepts
 * only that tenant's rows, whatever the query says. Every use case that touches tenant data
 * goes through here; the scope ends with the transaction.
 */
export async function inTenant<T>(db: Db, tenantId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('inTenant: not a tenant id');
  return currentScope.run({ tenantId, mode: 'transaction' }, () => db.transaction().execute(fn));
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
  return currentScope.run({ tenantId, mode: 'statements' }, () => db.connection().execute(fn));
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
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    const scope = currentScope.getStore();
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

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const scope = currentScope.getStore();
    const tenantId = scope?.mode === 'transaction' ? scope.tenantId : undefined;
    if (!tenantId || settings.isolationLevel || settings.accessMode)
      return super.beginTransaction(connection, settings);
    await connection.executeQuery(
      CompiledQuery.raw(`begin; select set_config('guichet.tenant_id', '${tenantId}', true)`),
    );
  }
}

export class TenantScopedPostgresDialect extends PostgresDialect {
  constructor(private readonly dialectConfig: PostgresDialectConfig) {
    super(dialectConfig);
  }
  override createDriver(): Driver {
    return new TenantScopedDriver(this.dialectConfig);
  }
}
