import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr } from '../../platform/format.ts';
import { recordTenantChange } from '../audit/record-tenant-change.ts';
import type { ClosingDayChange } from './add-closing-day.ts';

/** Removes a closing day, logged; false when the tenant has no such day. */
export async function removeClosingDay(trx: Tx, input: ClosingDayChange & { day: string }): Promise<boolean> {
  const removed = await trx
    .deleteFrom('tenant_closing_days')
    .where('day', '=', input.day)
    .returning(['label'])
    .executeTakeFirst();
  if (!removed) return false;
  await recordTenantChange(trx, {
    tenantId: input.tenantId,
    actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
    action: 'closing_day_removed',
    detail: `${formatDateFr(input.day)} – ${removed.label}`,
    channel: 'web',
    ip: input.ip,
    now: input.now,
  });
  return true;
}
