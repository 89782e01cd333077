import type { Tx } from '../../db/tenant-scope.ts';
import { searchDemarches } from '../catalogue/repository.ts';
import { fold, meaningfulWords, stem } from './text.ts';

/**
 * THE seam between the assistant and the knowledge base's search: the answer is composed from
 * what this returns and nothing else (slug, title, score, and `answerable`). Implemented for now
 * on the catalogue's trigram search with a threshold and the share of the question's words the
 * best article holds; the French search with its own decline decision
 * (modules/article-search, `searchArticles`) replaces the body of this function at merge.
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

/** Below it, the best result is a coincidence of trigrams. */
const MIN_SCORE = 0.75;
/** At or above it, the match is strong enough whatever the coverage (keyword hits and a close title). */
const SURE_SCORE = 3;
/** The weighted share of the question's words the best article must hold. */
const MIN_COVERAGE = 0.5;
/** The weight of a word no article holds (« pêche », « opérateur »): as rare as a word gets. */
const UNKNOWN_WORD_WEIGHT = 2;
/** The most a word weighs, however rare. */
const MAX_WORD_WEIGHT = 3;

export async function retrieve(trx: Tx, query: string, options: RetrieveOptions): Promise<Retrieval> {
  const includeInternal = options.audience === 'agent';
  const hits = await searchDemarches(trx, query, Math.max(options.limit, 1), { includeInternal });
  const results = hits.map((h) => ({ slug: h.demarche.slug, title: h.demarche.title, score: h.score }));
  const best = hits[0];
  if (!best || best.score < MIN_SCORE) return { results, answerable: false };
  if (best.score >= SURE_SCORE) return { results, answerable: true };
  const corpus = await trx
    .selectFrom('demarches')
    .select(['slug', 'title', 'summary', 'keywords', 'sections'])
    .$if(!includeInternal, (qb) => qb.where('audience', '=', 'public'))
    .where('kind', '!=', 'contact')
    .where('published_at', 'is not', null)
    .execute();
  const vocabularies = new Map(
    corpus.map((d) => [
      d.slug,
      vocabulary([d.title, d.summary, d.keywords.join(' '), ...Object.values(d.sections)].join(' ')),
    ]),
  );
  const coverage = termCoverage(query, best.demarche.slug, vocabularies);
  return { results, answerable: coverage >= MIN_COVERAGE };
}

/** The stems of a text. */
export function vocabulary(text: string): Set<string> {
  return new Set(fold(text).split(' ').map(stem));
}

function holds(words: Set<string>, s: string): boolean {
  if (words.has(s)) return true;
  if (s.length < 5) return false;
  for (const w of words) if (w.length >= 5 && withinOneEdit(w, s)) return true;
  return false;
}

/**
 * The share of the question's meaningful words the article holds (by stem, or with one typo),
 * each word weighed by its rarity among the articles: « téléphone », in every article, weighs
 * nothing; « pêche », in none, weighs much. « carte de pêche » against the identity card's
 * article: « carte » is held, « pêche » is not, the share is low.
 */
export function termCoverage(question: string, slug: string, vocabularies: Map<string, Set<string>>): number {
  const article = vocabularies.get(slug);
  if (!article) return 0;
  const n = vocabularies.size;
  let total = 0;
  let held = 0;
  for (const word of meaningfulWords(question)) {
    const s = stem(word);
    let df = 0;
    for (const v of vocabularies.values()) if (holds(v, s)) df++;
    const weight = Math.min(df > 0 ? Math.log((n + 1) / (df + 0.5)) : UNKNOWN_WORD_WEIGHT, MAX_WORD_WEIGHT);
    total += weight;
    if (holds(article, s)) held += weight;
  }
  return total > 0 ? held / total : 0;
}

/** Whether two words differ by at most one insertion, deletion or substitution. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
