import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';

/**
 * Notes calls that reached no agent on a day (from the telephone system's statistics or the
 * answering machine), for a service or the whole collectivité: they make the taux de décroché's
 * denominator with the calls the agents logged. A day in the future is refused.
 */
export async function recordMissedCalls(
  trx: Tx,
  input: { tenantId: string; agentId: string; day: string; calls: number; serviceId: string | null; today: string },
): Promise<FormResult<null>> {
  if (input.day > input.today)
    return { ok: false, errors: [{ field: 'jour', message: 'Indiquez un jour passé ou aujourd’hui.' }] };
  await trx
    .insertInto('missed_calls')
    .values({
      tenant_id: input.tenantId,
      day: input.day,
      calls: input.calls,
      service_id: input.serviceId,
      recorded_by: input.agentId,
    })
    .execute();
  return { ok: true, value: null };
}
