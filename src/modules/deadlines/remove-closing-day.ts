import type { Tx } from '../../db/tenant-scope.ts';
import { recordClosingDayChange, type ClosingDayChange } from './add-closing-day.ts';

/** Removes a closing day, logged; false when the tenant has no such day. */
export async function removeClosingDay(trx: Tx, input: ClosingDayChange & { day: string }): Promise<boolean> {
  const removed = await trx
    .deleteFrom('tenant_closing_days')
    .where('day', '=', input.day)
    .returning(['label'])
    .executeTakeFirst();
  if (!removed) return false;
  await recordClosingDayChange(trx, input, 'closing_day_removed', removed.label);
  return true;
}
