import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { lockedArticle } from './locked-article.ts';

/** « Envoyer en relecture »: the draft waits for a supervisor of its service or an administrator. */
export async function sendArticleToReview(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; version: number; now: Date },
): Promise<void> {
  const article = await lockedArticle(trx, input);
  if (article.state !== 'brouillon')
    throw new AppError('invalid_transition', 'Seul un brouillon peut être envoyé en relecture.');
  await trx
    .updateTable('knowledge_articles')
    .set({ state: 'relecture', updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
}
