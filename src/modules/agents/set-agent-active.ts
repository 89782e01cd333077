import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { deleteAgentSessions } from './sessions.ts';

/** Deactivates or reactivates an agent; deactivation closes every session at once. */
export async function setAgentActive(trx: Tx, actorId: string, agentId: string, active: boolean): Promise<void> {
  if (!active && actorId === agentId) {
    throw new AppError('forbidden', 'Vous ne pouvez pas désactiver votre propre compte.');
  }
  const updated = await trx.updateTable('agents').set({ active }).where('id', '=', agentId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('not_found', "Cet agent n'existe pas.");
  if (!active) await deleteAgentSessions(trx, agentId);
}
