import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';

/**
 * Moves a rule one place up or down: it swaps places with its neighbour, in one statement (the
 * unique position is checked at the end of the statement). At the top or the bottom, nothing moves.
 */
export async function moveRoutingRule(trx: Tx, input: { id: string; direction: 'up' | 'down' }): Promise<void> {
  await sql`lock table routing_rules in share row exclusive mode`.execute(trx);
  const rule = await trx.selectFrom('routing_rules').select('position').where('id', '=', input.id).executeTakeFirst();
  if (!rule) return;
  const other = input.direction === 'up' ? rule.position - 1 : rule.position + 1;
  await trx
    .updateTable('routing_rules')
    .set({
      position: sql<number>`case when position = ${rule.position} then ${other}::int else ${rule.position}::int end`,
    })
    .where('position', 'in', [rule.position, other])
    .where((eb) => eb.exists(eb.selectFrom('routing_rules as n').select('n.id').where('n.position', '=', other)))
    .execute();
}
