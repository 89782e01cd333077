import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { nameTaken, TAKEN, viewName } from './view-name.ts';

/** Renames one of the agent's views (the caller checked that they own it). */
export async function renameView(
  trx: Tx,
  input: { viewId: string; agentId: string; name: string; now: Date },
): Promise<FormResult<{ name: string }>> {
  const name = viewName(input.name);
  if (!name.ok) return name;
  if (await nameTaken(trx, input.agentId, name.value, input.viewId)) return TAKEN(name.value);
  await trx
    .updateTable('saved_views')
    .set({ name: name.value, updated_at: input.now })
    .where('id', '=', input.viewId)
    .execute();
  return { ok: true, value: { name: name.value } };
}
