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

const tenantOfTransaction = new AsyncLocalStorage<string>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction scoped to one tenant: row-level security then shows and accepts
 * only that tenant's rows, whatever the query says. Every use case that touches tenant data
 * goes through here; the scope ends with the transaction.
 */
export async function inTenant<T>(db: Db, tenantId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error('inTenant: not a tenant id');
  return tenantOfTransaction.run(tenantId, () => db.transaction().execute(fn));
}

/**
 * Opens tenant transactions with `begin` and the tenant setting in one round trip (the tenant
 * id is a checked UUID, so it can be written into the statement).
 */
class TenantScopedDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const tenantId = tenantOfTransaction.getStore();
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
