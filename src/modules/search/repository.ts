import { sql, type RawBuilder } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { GREATER_THAN, LESS_THAN, MARK_END, MARK_START } from './excerpt.ts';
import type { SearchQuery } from './query.ts';

/** Requests shown per page of results. */
export const RESULTS_PAGE_SIZE = 20;
/**
 * Candidates taken from each way of matching (words in requests, words in messages, names), most
 * recent first. It bounds the work of a common word over a million requests; past it the page
 * says there are more and asks for a more precise search.
 */
export const CANDIDATES_PER_MATCH = 200;

/** How a request came to be found, best first. */
export type MatchKind = 'exact' | 'request' | 'name' | 'message';

export interface RequestHit {
  id: string;
  reference: string;
  status: RequestStatus;
  demarche_title: string;
  service_name: string;
  applicant_name: string | null;
  submitted_at: Date;
  match: MatchKind;
  /** The matching text with the marks of `excerpt.ts`; null when the match is not in words. */
  excerpt: string | null;
  /** For a match in a message: which kind, when, by whom. */
  event_kind: string | null;
  event_at: Date | null;
  event_author_kind: string | null;
  event_agent_name: string | null;
}

export interface CitizenHit {
  id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  verified: boolean;
  request_count: number;
  /** The account's citizen record (people), if it has one yet. */
  person_id: string | null;
}

/**
 * How close a typed name must be to a word sequence of a stored one (pg_trgm's word similarity).
 * The default, 0.6, misses one wrong letter in a short name (« Morau » for « Jeanne Moreau »: 0.5).
 */
export const NAME_SIMILARITY = 0.45;

/** Sets the name similarity for the rest of the transaction (the `%>` operator reads it). */
async function setNameSimilarity(trx: Tx): Promise<void> {
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(NAME_SIMILARITY)}, true)`.execute(trx);
}

function inScope(serviceIds: string[] | null): RawBuilder<boolean> {
  return serviceIds === null ? sql<boolean>`true` : sql<boolean>`r.service_id = any(${serviceIds}::uuid[])`;
}

// ts_headline's options: our markers, a short excerpt, fragments around the matching words.
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** The text cleaned of our markers, `<` and `>` swapped for theirs (see excerpt.ts), highlighted. */
function headline(text: RawBuilder<string>, tsquery: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`ts_headline('guichet_fr',
    translate(${text}, ${`<>${MARK_START}${MARK_END}`}, ${`${LESS_THAN}${GREATER_THAN}`}),
    ${tsquery}, ${HEADLINE_OPTIONS})`;
}

/**
 * One page of the requests an agent may see that match the query: exactly (reference, email,
 * phone) first, then by words of the request (applicant, démarche, answers), by the applicant's
 * name with typos, or by words of a timeline message (notes included: they are the agents' own,
 * and the scope is that of the request); most recent first. Two statements: the matching ids of
 * the page, then what is shown of them, with their excerpt.
 */
export async function searchRequests(
  trx: Tx,
  input: { query: SearchQuery; serviceIds: string[] | null; page: number },
): Promise<{ hits: RequestHit[]; total: number; more: boolean }> {
  const { query, serviceIds } = input;
  if (serviceIds !== null && serviceIds.length === 0) return { hits: [], total: 0, more: false };
  const scope = inScope(serviceIds);
  await setNameSimilarity(trx);
  const tsq = sql`websearch_to_tsquery('guichet_fr', ${query.text})`;
  // The candidates of each way of matching come from guichet_search_candidates (migration
  // 20261203136100): under row-level security the word and name indexes could not be used.
  const { rows } = await sql<{ id: string; tier: number; event_id: string | null; total: number; capped: boolean }>`
    with hits as (
      select id, tier, event_id, at from guichet_search_candidates(
        ${query.text}, ${query.reference}, ${query.email}, ${query.phoneKey},
        ${serviceIds}::uuid[], ${CANDIDATES_PER_MATCH})
    ), found as (
      select id, min(tier) as tier, max(at) as at,
             (array_agg(event_id order by at desc) filter (where event_id is not null))[1] as event_id
        from hits group by id
    )
    select id, tier, event_id, (count(*) over ())::int as total,
           exists (select 1 from hits group by tier having count(*) >= ${CANDIDATES_PER_MATCH}) as capped
      from found
     order by tier = 0 desc, at desc, id
     limit ${RESULTS_PAGE_SIZE} offset ${(input.page - 1) * RESULTS_PAGE_SIZE}
  `.execute(trx);
  if (rows.length === 0) return { hits: [], total: 0, more: false };
  const order = new Map(rows.map((r, i) => [r.id, i]));
  const matchOf = (tier: number): MatchKind => (['exact', 'request', 'name', 'message'] as const)[tier] ?? 'request';
  const byId = new Map(rows.map((r) => [r.id, r]));
  const eventIds = rows.map((r) => r.event_id).filter((id): id is string => id !== null);
  const answers = sql<string>`coalesce(r.applicant_name, '') || ' · ' || coalesce(r.applicant_email::text, '') || ' · ' ||
    coalesce((select string_agg(a.value, ' · ') from jsonb_each_text(r.data - '_identity') a
               where a.key not in ('applicant_given_name', 'applicant_family_name', 'applicant_email')), '')`;
  const details = await sql<
    Omit<RequestHit, 'match' | 'excerpt'> & { request_excerpt: string; event_excerpt: string | null }
  >`
    select r.id, r.reference, r.status, d.title as demarche_title, s.name as service_name, r.applicant_name,
           r.submitted_at, ${headline(answers, tsq)} as request_excerpt,
           ${headline(sql<string>`e.body`, tsq)} as event_excerpt,
           e.kind as event_kind, e.created_at as event_at, e.author_kind as event_author_kind,
           a.display_name as event_agent_name
      from requests r
      join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
      join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
      left join request_events e on e.tenant_id = r.tenant_id and e.request_id = r.id
                                 and e.id = any(${eventIds}::uuid[])
      left join agents a on a.tenant_id = e.tenant_id and a.id = e.author_agent_id
     where r.id = any(${rows.map((r) => r.id)}::uuid[]) and ${scope}
  `.execute(trx);
  const hits = details.rows
    .map((d): RequestHit => {
      const found = byId.get(d.id)!;
      const match = matchOf(found.tier);
      const inMessage = match === 'message' && d.event_excerpt !== null;
      return {
        id: d.id,
        reference: d.reference,
        status: d.status,
        demarche_title: d.demarche_title,
        service_name: d.service_name,
        applicant_name: d.applicant_name,
        submitted_at: d.submitted_at,
        match,
        excerpt: inMessage ? d.event_excerpt : d.request_excerpt,
        event_kind: inMessage ? d.event_kind : null,
        event_at: inMessage ? d.event_at : null,
        event_author_kind: inMessage ? d.event_author_kind : null,
        event_agent_name: inMessage ? d.event_agent_name : null,
      };
    })
    .sort((x, y) => order.get(x.id)! - order.get(y.id)!);
  return { hits, total: rows[0]!.total, more: rows[0]!.capped };
}

/** Citizens shown at most, above the requests. */
export const CITIZENS_SHOWN = 10;

/**
 * Citizens' accounts matching the query by address (exactly) or by name or address with typos.
 * An agent finds the accounts that have a request in its services; an administrator (null) all.
 */
export async function searchCitizens(
  trx: Tx,
  input: { query: SearchQuery; serviceIds: string[] | null },
): Promise<CitizenHit[]> {
  const { query, serviceIds } = input;
  if (serviceIds !== null && serviceIds.length === 0) return [];
  const scope = inScope(serviceIds);
  await setNameSimilarity(trx);
  // The candidates come from guichet_citizen_candidates (migration 20261205100000): under
  // row-level security the trigram index of the names could not be used.
  const { rows } = await sql<CitizenHit>`
    with candidates as (
      select id, rank from guichet_citizen_candidates(
        ${query.text}, ${query.email}, ${serviceIds}::uuid[], ${CITIZENS_SHOWN})
    )
    select c.id, c.given_name, c.family_name, c.email::text as email, c.identity_verified_at is not null as verified,
           (select p.id from people p where p.tenant_id = c.tenant_id and p.citizen_id = c.id) as person_id,
           (select count(*) from requests r where r.tenant_id = c.tenant_id and r.citizen_id = c.id and ${scope})::int
             as request_count
      from candidates k
      join citizens c on c.id = k.id
     order by k.rank
  `.execute(trx);
  return rows;
}
