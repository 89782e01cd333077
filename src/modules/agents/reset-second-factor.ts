import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { deleteAgentSessions } from './sessions.ts';

/**
 * Removes an agent's second factor (lost phone and recovery codes) and closes their sessions:
 * at the next login they set it up again (or log in with the password alone if not required).
 */
export async function resetSecondFactor(trx: Tx, actorId: string, agentId: string): Promise<void> {
  if (actorId === agentId) {
    throw new AppError(
      'forbidden',
      'Demandez à un autre administrateur de réinitialiser votre double authentification.',
    );
  }
  const updated = await trx
    .updateTable('agents')
    .set({ totp_secret_encrypted: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', agentId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('not_found', "Cet agent n'existe pas.");
  await trx.deleteFrom('agent_recovery_codes').where('agent_id', '=', agentId).execute();
  await deleteAgentSessions(trx, agentId);
}
