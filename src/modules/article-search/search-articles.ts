import { inTenant, type Tx } from '../../db/tenant-scope.ts';
import type { Services } from '../../services.ts';
import { fold } from './analyser.ts';
import { logSearchQuery } from './log-search-query.ts';
import { listArticleRows, listSynonyms, readIndexStamp } from './repository.ts';
import { ArticleIndex, type ArticleDocument, type SynonymEntry } from './search-index.ts';

/** Longest query searched: the rest is cut (a question of a few sentences fits). */
export const MAX_QUERY_LENGTH = 2000;
export const MAX_LIMIT = 50;

export interface ArticleSearchOptions {
  /** 'public': public and published articles only; 'agent': internal and unpublished ones too. */
  audience: 'public' | 'agent';
  /** Results wanted, 1 to 50 (10 by default). */
  limit?: number;
  /** Record the query in `search_queries` for the editors' « Recherches sans réponse » (default true). */
  log?: boolean;
}

export interface ArticleSearchResult {
  slug: string;
  title: string;
  kind: string;
  audience: 'public' | 'internal';
  serviceSlug: string | null;
  serviceName: string;
  /** The article's « En bref », for an excerpt. */
  summary: string;
  /** BM25F score with coverage (not comparable across queries). */
  score: number;
  /** Words of the query the article matched, folded. */
  matchedTerms: string[];
  /** Share of the query's meaning the article covers, 0 to 1. */
  coverage: number;
}

export interface ArticleSearchOutcome {
  results: ArticleSearchResult[];
  /** Whether the first result really answers the question: the assistant declines when false. */
  answerable: boolean;
  /** 0 to 1; `answerable` is `confidence >= 0.5`. */
  confidence: number;
  /** The meaningful words understood (stop words dropped, typos corrected). */
  understood: string[];
}

interface TenantIndex {
  index: ArticleIndex;
  synonyms: SynonymEntry[];
  published: Set<string>;
}

/** How long a tenant's stamp is trusted before it is read again (changes made by other processes). */
const STAMP_TTL_MS = 10_000;

function toDocument(row: Awaited<ReturnType<typeof listArticleRows>>[number]): ArticleDocument {
  const body = Object.entries(row.sections)
    .filter(([key]) => key !== 'en-bref')
    .map(([, text]) => text)
    .join('\n');
  return {
    slug: row.slug,
    title: row.title,
    kind: row.kind,
    audience: row.audience,
    serviceSlug: row.serviceSlug,
    serviceName: row.serviceName,
    keywords: row.keywords,
    summary: row.summary || row.sections['en-bref'] || '',
    body,
  };
}

/** Builds the index of the articles and synonyms a transaction of the tenant sees. */
export async function buildTenantIndex(trx: Tx): Promise<TenantIndex> {
  const rows = await listArticleRows(trx);
  const synonyms = (await listSynonyms(trx)).map((s) => ({ term: s.term, expansions: s.expansions }));
  return {
    index: new ArticleIndex(rows.map(toDocument)),
    synonyms,
    published: new Set(rows.filter((r) => r.published).map((r) => r.slug)),
  };
}

/**
 * The tenant's index, cached per process: the stamp (count and last change of articles and
 * synonyms) is read at most every 10 seconds, and a new stamp builds a new index. Publishing
 * clears every cache (services.caches.clear()), so this process sees it at once.
 */
async function tenantIndex(services: Pick<Services, 'db' | 'caches'>, tenantId: string): Promise<TenantIndex> {
  const stamps = services.caches.named<string>('article-search-stamp', { ttlMs: STAMP_TTL_MS, max: 1000 });
  const stamp = await stamps.getOrLoad(tenantId, () => inTenant(services.db, tenantId, readIndexStamp));
  const indexes = services.caches.named<TenantIndex>('article-search-index', { ttlMs: 3_600_000, max: 200 });
  return indexes.getOrLoad(`${tenantId}:${stamp}`, () => inTenant(services.db, tenantId, buildTenantIndex));
}

/** Runs a query against an index already built (the benchmark and the evaluation call it too). */
export function runArticleSearch(
  built: TenantIndex,
  query: string,
  options: ArticleSearchOptions,
): ArticleSearchOutcome {
  const limit = Math.min(MAX_LIMIT, Math.max(1, Math.trunc(options.limit ?? 10)));
  const text = cleanQuery(query);
  if (text === '') return { results: [], answerable: false, confidence: 0, understood: [] };
  const outcome = built.index.search(text, {
    synonyms: built.synonyms,
    limit,
    filter:
      options.audience === 'public' ? (doc) => doc.audience === 'public' && built.published.has(doc.slug) : undefined,
  });
  return {
    results: outcome.results.map((r) => ({
      slug: r.doc.slug,
      title: r.doc.title,
      kind: r.doc.kind,
      audience: r.doc.audience,
      serviceSlug: r.doc.serviceSlug,
      serviceName: r.doc.serviceName,
      summary: r.doc.summary,
      score: Number(r.score.toFixed(4)),
      matchedTerms: r.matchedTerms,
      coverage: Number(r.coverage.toFixed(3)),
    })),
    answerable: outcome.answerable,
    confidence: outcome.confidence,
    understood: outcome.understood,
  };
}

/** Control characters, C1 codes and the replacement character: binary noise in a query. */
// eslint-disable-next-line no-control-regex -- removing them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\ufffd]/g;

/** The query as searched: at most 2,000 characters, control characters and binary noise removed. */
export function cleanQuery(query: string): string {
  return fold(query.slice(0, MAX_QUERY_LENGTH)).replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Searches a tenant's knowledge base (the `demarches` rows) in French: the seam the portal's
 * /recherche, the API, the agents' search and the assistant call.
 *
 * ```ts
 * const found = await searchArticles(services, tenantId, 'renouveler ma CNI', { audience: 'public', limit: 5 });
 * if (!found.answerable) decline(); else answerFrom(found.results[0]);
 * ```
 */
export async function searchArticles(
  services: Pick<Services, 'db' | 'caches' | 'clock'>,
  tenantId: string,
  query: string,
  options: ArticleSearchOptions,
): Promise<ArticleSearchOutcome> {
  const built = await tenantIndex(services, tenantId);
  const outcome = runArticleSearch(built, query, options);
  if (options.log !== false && cleanQuery(query) !== '') {
    await logSearchQuery(services.db, tenantId, query, outcome, options.audience, services.clock.now());
  }
  return outcome;
}
