import type { Tx } from '../../db/tenant-scope.ts';
import { ordered } from './link-articles.ts';

/** Removes a « Voir aussi » link. */
export async function unlinkArticles(trx: Tx, input: { demarcheId: string; otherId: string }): Promise<void> {
  const { first_id, second_id } = ordered(input.demarcheId, input.otherId);
  await trx.deleteFrom('article_links').where('first_id', '=', first_id).where('second_id', '=', second_id).execute();
}
