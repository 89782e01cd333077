import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';

/** Removes a file from an article. */
export async function deleteArticleAttachment(trx: Tx, input: { demarcheId: string; id: string }): Promise<void> {
  const deleted = await trx
    .deleteFrom('article_attachments')
    .where('demarche_id', '=', input.demarcheId)
    .where('id', '=', input.id)
    .executeTakeFirst();
  if (deleted.numDeletedRows === 0n) throw new AppError('not_found', 'Ce fichier n’existe pas.');
}
