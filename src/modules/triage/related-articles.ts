import type { Services } from '../../services.ts';
import { searchArticles } from '../article-search/search-articles.ts';

/**
 * The seam between triage and article search: the articles that answer a message, best first,
 * the agents' internal sheets included. Nothing when the search says no article really answers
 * (the assistant's decline decision): an agent is better served by no suggestion than a wrong
 * one. Triage, the agent help panel and `npm run eval` all go through this one function; the
 * query is not recorded in the editors' « Recherches sans réponse » (it is a citizen's message).
 */
export async function relatedArticles(
  services: Pick<Services, 'db' | 'caches' | 'clock'>,
  tenantId: string,
  text: string,
  limit = 3,
): Promise<RelatedArticle[]> {
  const found = await searchArticles(services, tenantId, text, { audience: 'agent', limit, log: false });
  if (!found.answerable) return [];
  return found.results.map((r) => ({ slug: r.slug, title: r.title, audience: r.audience }));
}

export interface RelatedArticle {
  slug: string;
  title: string;
  audience: 'public' | 'internal';
}
