import type { Tx } from '../../db/tenant-scope.ts';
import { searchDemarches } from '../catalogue/repository.ts';

/**
 * The seam between triage and article search: the articles relevant to a message, best first.
 * Today the catalogue's search (`searchDemarches`, public and published articles); the article
 * search module (`searchArticles`, agents' internal sheets included) takes its place at merge.
 * Triage, the agent help panel and `npm run eval` all go through this one function.
 */
export async function relatedArticles(trx: Tx, text: string, limit = 3): Promise<RelatedArticle[]> {
  const hits = await searchDemarches(trx, text, limit);
  return hits.map((h) => ({ slug: h.demarche.slug, title: h.demarche.title, audience: h.demarche.audience }));
}

export interface RelatedArticle {
  slug: string;
  title: string;
  audience: 'public' | 'internal';
}
