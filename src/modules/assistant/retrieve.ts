import type { Services } from '../../services.ts';
import { searchArticles } from '../article-search/search-articles.ts';

/**
 * THE seam between the assistant and the knowledge base's search: the answer is composed from
 * what this returns and nothing else (slug, title, score, and `answerable`): the French search
 * of the knowledge base with its own decline decision (modules/article-search, `searchArticles`).
 */
export interface RetrievedArticle {
  slug: string;
  title: string;
  score: number;
}

export interface Retrieval {
  results: RetrievedArticle[];
  /** Whether the best result answers the question (false: the assistant says it does not know). */
  answerable: boolean;
}

export interface RetrieveOptions {
  /** 'public': published public articles; 'agent': the agents' internal sheets too. */
  audience: 'public' | 'agent';
  limit: number;
}

/**
 * The knowledge base's French search (modules/article-search) and its decline decision: the
 * question is recorded for the editors' « Recherches sans réponse » like a search (personal data
 * is masked before, and the log skips what looks like an address, a number or a reference).
 */
export async function retrieve(
  services: Pick<Services, 'db' | 'caches' | 'clock'>,
  tenantId: string,
  query: string,
  options: RetrieveOptions,
): Promise<Retrieval> {
  const found = await searchArticles(services, tenantId, query, {
    audience: options.audience,
    limit: Math.max(options.limit, 1),
  });
  return {
    results: found.results.map((r) => ({ slug: r.slug, title: r.title, score: r.score })),
    answerable: found.answerable && found.results.length > 0,
  };
}
