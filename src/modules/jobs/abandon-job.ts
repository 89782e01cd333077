import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * Gives up a failed job: it leaves the list and will not run (kept a while, then purged with the
 * finished jobs). Only a failed job of the tenant of `trx`; anything else is "not found".
 */
export async function abandonJob(trx: Tx, jobId: string): Promise<void> {
  const r = await trx
    .updateTable('jobs')
    .set({ status: 'abandoned', finished_at: sql<Date>`now()` })
    .where('id', '=', jobId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0)
    throw new AppError('not_found', 'Cette tâche n’existe pas ou n’est plus en échec.');
}
