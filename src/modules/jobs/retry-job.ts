import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Puts a failed job back in the queue, due now, with all its attempts again (an administrator
 * fixed the cause: a mail server, an address). Its last error stays until it succeeds. Only a
 * failed job of the tenant of `trx`; anything else is "not found".
 */
export async function retryJob(trx: Tx, jobId: string): Promise<void> {
  const r = await trx
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_at: sql<Date>`now()`, finished_at: null, locked_until: null })
    .where('id', '=', jobId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0)
    throw new AppError('not_found', 'Cette tâche n’existe pas ou n’est plus en échec.');
}
