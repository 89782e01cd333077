import { sql } from 'kysely';
import type { SearchSynonymRow } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

/** An article as the index reads it: the `demarches` row (the published content) and its service. */
export interface ArticleRow {
  slug: string;
  title: string;
  kind: string;
  audience: 'public' | 'internal';
  published: boolean;
  summary: string;
  sections: Record<string, string>;
  keywords: string[];
  serviceSlug: string | null;
  serviceName: string;
}

/** Every article of the tenant with its service (internal and unpublished ones too: callers filter). */
export async function listArticleRows(trx: Tx): Promise<ArticleRow[]> {
  const rows = await trx
    .selectFrom('demarches as d')
    .leftJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'd.tenant_id').onRef('s.id', '=', 'd.service_id'))
    .select([
      'd.slug',
      'd.title',
      'd.kind',
      'd.audience',
      'd.published_at',
      'd.summary',
      'd.sections',
      'd.keywords',
      's.slug as service_slug',
      's.name as service_name',
    ])
    .where('d.kind', '!=', 'contact')
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    title: r.title,
    kind: r.kind,
    audience: r.audience,
    published: r.published_at !== null,
    summary: r.summary,
    sections: (r.sections ?? {}) as Record<string, string>,
    keywords: r.keywords,
    serviceSlug: r.service_slug ?? null,
    serviceName: r.service_name ?? '',
  }));
}

/**
 * What the tenant's index is built from, in one short string: when articles or synonyms change
 * (in this process or another), the stamp changes and the index is built again.
 */
export async function readIndexStamp(trx: Tx): Promise<string> {
  const { rows } = await sql<{ stamp: string }>`
    select concat_ws(':',
      (select count(*) from demarches), (select max(updated_at) from demarches),
      (select count(*) from demarches where published_at is not null),
      (select count(*) from search_synonyms), (select max(created_at) from search_synonyms)) as stamp`.execute(trx);
  return rows[0]?.stamp ?? '';
}

export async function listSynonyms(trx: Tx): Promise<SearchSynonymRow[]> {
  return trx
    .selectFrom('search_synonyms')
    .selectAll()
    .orderBy(sql`lower(term)`)
    .execute();
}

export async function findSynonymByTerm(trx: Tx, term: string): Promise<SearchSynonymRow | undefined> {
  return trx
    .selectFrom('search_synonyms')
    .selectAll()
    .where(sql`lower(term)`, '=', term.toLowerCase())
    .executeTakeFirst();
}

export async function insertSynonym(
  trx: Tx,
  row: { tenantId: string; term: string; expansions: string[]; kind: 'synonym' | 'abbreviation' },
): Promise<void> {
  await trx
    .insertInto('search_synonyms')
    .values({ tenant_id: row.tenantId, term: row.term, expansions: row.expansions, kind: row.kind })
    .execute();
}

export async function deleteSynonym(trx: Tx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('search_synonyms').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countSynonyms(trx: Tx): Promise<number> {
  const row = await trx
    .selectFrom('search_synonyms')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertSearchQuery(
  trx: Tx,
  row: {
    tenantId: string;
    query: string;
    resultCount: number;
    topScore: number;
    answerable: boolean;
    audience: 'public' | 'agent';
    at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('search_queries')
    .values({
      tenant_id: row.tenantId,
      query: row.query,
      result_count: row.resultCount,
      top_score: row.topScore,
      answerable: row.answerable,
      audience: row.audience,
      at: row.at,
    })
    .execute();
}

export interface UnansweredQuery {
  query: string;
  count: number;
  lastSeen: Date;
  audiences: string[];
}

/** Queries with no good answer since `since`, the most frequent first. */
export async function listUnansweredQueries(trx: Tx, since: Date, limit: number): Promise<UnansweredQuery[]> {
  const rows = await trx
    .selectFrom('search_queries')
    .select((eb) => [
      'query',
      eb.fn.countAll<string>().as('n'),
      eb.fn.max('at').as('last_seen'),
      sql<string[]>`array_agg(distinct audience)`.as('audiences'),
    ])
    .where('answerable', '=', false)
    .where('at', '>=', since)
    .groupBy('query')
    .orderBy('n', 'desc')
    .orderBy('last_seen', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    query: r.query,
    count: Number(r.n),
    lastSeen: new Date(r.last_seen as unknown as string),
    audiences: r.audiences,
  }));
}

/** Queries older than `before` are dropped: the log serves to spot missing articles, not to keep history. */
export async function pruneSearchQueries(trx: Tx, before: Date): Promise<void> {
  await trx.deleteFrom('search_queries').where('at', '<', before).execute();
}

/**
 * Titles whose title or keywords hold every word of `prefix`, the last one as a prefix
 * (guichet_fr_kb: accents ignored, French stems), best ranked first.
 */
export async function suggestTitles(
  trx: Tx,
  words: string[],
  audience: 'public' | 'agent',
  limit: number,
): Promise<Array<{ slug: string; title: string; audience: string }>> {
  if (words.length === 0) return [];
  const query = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
  let q = trx
    .selectFrom('demarches')
    .select(['slug', 'title', 'audience'])
    .where(sql<boolean>`suggest_vector @@ to_tsquery('guichet_fr_kb', ${query})`)
    .where('kind', '!=', 'contact');
  if (audience === 'public') q = q.where('audience', '=', 'public').where('published_at', 'is not', null);
  return q
    .orderBy(sql`ts_rank(suggest_vector, to_tsquery('guichet_fr_kb', ${query}))`, 'desc')
    .orderBy('title')
    .limit(limit)
    .execute();
}
