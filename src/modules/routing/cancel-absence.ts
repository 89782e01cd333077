import type { Tx } from '../../db/tenant-scope.ts';

/** Removes a declared absence (the agent came back early, or it was a mistake). */
export async function cancelAbsence(trx: Tx, id: string): Promise<void> {
  await trx.deleteFrom('agent_absences').where('id', '=', id).execute();
}
