import type { Tx } from '../../db/tenant-scope.ts';

/** Turns a rule off (kept in its place, skipped by routing) or on again. */
export async function setRoutingRuleActive(trx: Tx, input: { id: string; active: boolean; now: Date }): Promise<void> {
  await trx
    .updateTable('routing_rules')
    .set({ active: input.active, updated_at: input.now })
    .where('id', '=', input.id)
    .execute();
}
