import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sets which services give their new items to their agents in turn: the listed ones do, every
 * other service of the tenant does not. An unknown service is refused.
 */
export async function setAutoAssign(trx: Tx, input: { serviceIds: string[] }): Promise<FormResult<null>> {
  const all = await trx.selectFrom('services').select('id').execute();
  const wanted = new Set(input.serviceIds);
  if ([...wanted].some((id) => !UUID.test(id) || !all.some((s) => s.id === id))) {
    return { ok: false, errors: [{ field: 'services', message: 'Choisissez des services de la liste.' }] };
  }
  for (const on of [true, false]) {
    const ids = all.filter((s) => wanted.has(s.id) === on).map((s) => s.id);
    if (ids.length > 0) await trx.updateTable('services').set({ auto_assign: on }).where('id', 'in', ids).execute();
  }
  return { ok: true, value: null };
}
