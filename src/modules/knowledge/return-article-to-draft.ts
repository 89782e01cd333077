import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { lockedArticle } from './locked-article.ts';

/** « Remettre en brouillon »: a version in relecture goes back to its writers. */
export async function returnArticleToDraft(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; version: number; now: Date },
): Promise<void> {
  const article = await lockedArticle(trx, input);
  if (article.state !== 'relecture')
    throw new AppError('invalid_transition', 'Seule une version en relecture peut être remise en brouillon.');
  await trx
    .updateTable('knowledge_articles')
    .set({ state: 'brouillon', updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
}
