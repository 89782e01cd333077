import type { Tx } from '../../db/tenant-scope.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { lockedArticle } from './locked-article.ts';

/**
 * Who answers for an article (« responsable ») and when to read it again (« à relire avant
 * le … »): past that day, the list flags it « à relire ». The caller checks `set_article_owner`.
 */
export async function setArticleOwner(
  trx: Tx,
  input: { tenantId: string; demarcheId: string; ownerId: string | null; reviewOn: string | null; now: Date },
): Promise<FormResult<null>> {
  await lockedArticle(trx, input);
  if (input.ownerId !== null) {
    const owner = await trx
      .selectFrom('agents')
      .select('id')
      .where('id', '=', input.ownerId)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!owner) return { ok: false, errors: [{ field: 'responsable', message: 'Choisissez un agent de la liste.' }] };
  }
  await trx
    .updateTable('knowledge_articles')
    .set({ owner_agent_id: input.ownerId, review_on: input.reviewOn, updated_at: input.now })
    .where('demarche_id', '=', input.demarcheId)
    .execute();
  return { ok: true, value: null };
}
