import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { lockedArticle } from './locked-article.ts';

/**
 * « Dépublier »: citizens no longer see the page (the catalogue, search and its address answer as
 * for a page that does not exist); its versions stay, the latest back in « brouillon ». The caller
 * checks who may and clears the caches.
 */
export async function unpublishArticle(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; now: Date },
): Promise<void> {
  const article = await lockedArticle(trx, input);
  if (article.pagePublishedAt === null) throw new AppError('invalid_transition', 'Cette page n’est pas publiée.');
  await trx
    .updateTable('demarches')
    .set({ published_at: null, updated_at: input.now })
    .where('id', '=', input.demarcheId)
    .execute();
  await trx
    .updateTable('knowledge_articles')
    .set({ state: 'brouillon', published_version: null, updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
}
