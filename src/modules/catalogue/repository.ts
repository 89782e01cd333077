import { sql } from 'kysely';
import type { DemarcheRow, ServiceRow } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { sortFr } from '../../platform/format.ts';

/**
 * One démarche by slug (public or internal, published or not: callers decide who may see it;
 * citizens see only `isShownToCitizens` ones).
 */
export async function findDemarcheBySlug(trx: Tx, slug: string): Promise<DemarcheRow | undefined> {
  return trx.selectFrom('demarches').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Public and published: what citizens may see of the catalogue. */
export function isShownToCitizens(row: Pick<DemarcheRow, 'audience' | 'published_at'>): boolean {
  return row.audience === 'public' && row.published_at !== null;
}

/** Every public and published démarche and information page, by title. */
export async function listPublicDemarches(trx: Tx): Promise<DemarcheRow[]> {
  const rows = await trx
    .selectFrom('demarches')
    .selectAll()
    .where('audience', '=', 'public')
    .where('published_at', 'is not', null)
    .execute();
  return sortFr(rows, (r) => r.title);
}

/** Every service, by name. */
export async function listServices(trx: Tx): Promise<ServiceRow[]> {
  const rows = await trx.selectFrom('services').selectAll().execute();
  return sortFr(rows, (r) => r.name);
}

/**
 * The démarches most often requested: by number of requests filed, online ones first, then the
 * others by title (a new commune has no requests yet).
 */
export async function listMostRequested(trx: Tx, limit: number): Promise<DemarcheRow[]> {
  return trx
    .selectFrom('demarches as d')
    .selectAll('d')
    .select((eb) =>
      eb
        .selectFrom('requests as r')
        .whereRef('r.demarche_id', '=', 'd.id')
        .select(eb.fn.countAll<string>().as('n'))
        .as('request_count'),
    )
    .where('d.audience', '=', 'public')
    .where('d.published_at', 'is not', null)
    .where('d.kind', '=', 'demarche')
    .orderBy(sql`d.form is null`)
    .orderBy('request_count', 'desc')
    .orderBy('d.slug')
    .limit(limit)
    .execute();
}

export interface SearchHit {
  demarche: DemarcheRow;
  score: number;
}

/** Words that carry no meaning for search, lower case and unaccented. */
const STOP_WORDS = new Set(
  (
    'a au aux avec ce ces cet cette comment dans de des du elle en est et etre faire fait faut il ils ' +
    'je j jai la le les leur lui ma mais me mes moi mon ne nous on ou par pas pour qu que quel quelle ' +
    'quels quelles qui quoi sa se ses si son sur ta te tes toi ton tu un une vos votre vous y doit dois ' +
    'peut peux veux voudrais faire avoir ai as a ete suis sont va vais bonjour merci svp sil plait ' +
    'kesk kes quoi ca cela ceci cest c d l m n s t qu'
  ).split(' '),
);

export function searchTokens(query: string): string[] {
  const normalized = query
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ');
  const tokens = normalized.split(' ').filter((t) => t.length >= 2 && !STOP_WORDS.has(t));
  return [...new Set(tokens)].slice(0, 12);
}

/**
 * Ranked search over public articles, tolerant of accents and typos: each meaningful word of the
 * query is matched by trigram word similarity against the indexed text, a whole keyword found
 * in the query counts extra, and the query's similarity to the title breaks ties.
 * `includeInternal`: the agents' sheets too (the workspace's assistant), never contact démarches.
 */
export async function searchDemarches(
  trx: Tx,
  query: string,
  limit = 20,
  options: { includeInternal?: boolean } = {},
): Promise<SearchHit[]> {
  const tokens = searchTokens(query);
  if (tokens.length === 0) return [];
  const q = sql`unaccent(lower(${query}))`;
  // Words under ~0.5 similarity are mostly noise (shared trigrams of unrelated words).
  const wordScores = tokens.map((t) => sql`greatest(word_similarity(unaccent(lower(${t})), d.search_text) - 0.45, 0)`);
  const keywordHit = sql`(select count(*) from unnest(d.keywords) k
      where length(k) >= 2
        and (' ' || regexp_replace(${q}, '[^a-z0-9]+', ' ', 'g') || ' ')
            like ('% ' || trim(regexp_replace(unaccent(lower(k)), '[^a-z0-9]+', ' ', 'g')) || ' %'))`;
  const score = sql<number>`(${sql.join(wordScores, sql` + `)}) * 2 + least(${keywordHit}, 3) * 0.6
      + similarity(${q}, unaccent(lower(d.title)))`;
  // Scored once in a subquery, then filtered and ranked.
  const rows = await trx
    .selectFrom((eb) =>
      eb
        .selectFrom('demarches as d')
        .selectAll('d')
        .select(score.as('score'))
        .$if(!options.includeInternal, (qb) => qb.where('d.audience', '=', 'public'))
        .$if(options.includeInternal === true, (qb) => qb.where('d.kind', '!=', 'contact'))
        .where('d.published_at', 'is not', null)
        .as('s'),
    )
    .selectAll('s')
    .where('s.score', '>', 0.25)
    .orderBy('s.score', 'desc')
    .orderBy('s.slug')
    .limit(limit)
    .execute();
  return rows.map(({ score: s, ...demarche }) => ({ demarche: demarche as DemarcheRow, score: Number(s) }));
}
