import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/**
 * Runs `fn` in a transaction scoped to one tenant: row-level security then shows and accepts
 * only that tenant's rows, whatever the query says. Every use case that touches tenant data
 * goes through here; the scope ends with the transaction.
 */
export async function inTenant<T>(db: Db, tenantId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('guichet.tenant_id', ${tenantId}, true)`.execute(trx);
    return fn(trx);
  });
}
