import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';

/** Deletes a rule; the rules after it move up one place (positions stay 1, 2, 3…). */
export async function deleteRoutingRule(trx: Tx, id: string): Promise<void> {
  await sql`lock table routing_rules in share row exclusive mode`.execute(trx);
  const gone = await trx.deleteFrom('routing_rules').where('id', '=', id).returning('position').executeTakeFirst();
  if (!gone) return;
  await trx
    .updateTable('routing_rules')
    .set((eb) => ({ position: eb('position', '-', 1) }))
    .where('position', '>', gone.position)
    .execute();
}
