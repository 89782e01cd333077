import type { Tx } from '../../db/tenant-scope.ts';

/** Deletes a saved view (the caller checked that the agent owns it). */
export async function deleteView(trx: Tx, viewId: string): Promise<void> {
  await trx.deleteFrom('saved_views').where('id', '=', viewId).execute();
}
