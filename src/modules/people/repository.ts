import { sql, type RawBuilder } from 'kysely';
import type { PersonFields, PeopleTable } from '../../db/schema.ts';
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import type { SearchQuery } from '../search/query.ts';
import { NAME_SIMILARITY } from '../search/repository.ts';

export type PersonRow = Selectable<PeopleTable>;

/** The fields a merge chooses between and an undo puts back, in the order pages show them. */
export const PERSON_FIELDS: readonly (keyof PersonFields)[] = [
  'given_name',
  'family_name',
  'display_name',
  'birthdate',
  'email',
  'phone',
  'postal_address',
  'preferred_channel',
  'language',
  'accessibility_needs',
];

export function fieldsOf(row: PersonRow): PersonFields {
  return Object.fromEntries(PERSON_FIELDS.map((f) => [f, row[f]])) as unknown as PersonFields;
}

export async function findPerson(trx: Tx, id: string): Promise<PersonRow | undefined> {
  return trx.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The services of the items on a record: what authorisation needs to know of it. */
export async function personServiceIds(trx: Tx, personId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('requests')
    .select('service_id')
    .distinct()
    .where('person_id', '=', personId)
    .execute();
  return rows.map((r) => r.service_id);
}

/** Records visible with this scope (null: all): an item in one of the services, or no item at all. */
export function visibleWith(scopeIds: string[] | null, alias = 'p'): RawBuilder<boolean> {
  if (scopeIds === null) return sql<boolean>`true`;
  const p = sql.ref(alias);
  return sql<boolean>`(exists (select 1 from requests r where r.tenant_id = ${p}.tenant_id and r.person_id = ${p}.id
                              and r.service_id = any(${scopeIds}::uuid[]))
          or not exists (select 1 from requests r where r.tenant_id = ${p}.tenant_id and r.person_id = ${p}.id))`;
}

export interface PersonHit {
  id: string;
  given_name: string | null;
  family_name: string | null;
  display_name: string;
  email: string | null;
  phone: string | null;
  birthdate: string | null;
  verified: boolean;
  has_account: boolean;
  item_count: number;
}

const HIT_COLUMNS = sql`p.id, p.given_name, p.family_name, p.display_name, p.email, p.phone,
  to_char(p.birthdate, 'YYYY-MM-DD') as birthdate, p.identity_verified_at is not null as verified,
  p.citizen_id is not null as has_account,
  (select count(*) from requests r where r.tenant_id = p.tenant_id and r.person_id = p.id)::int as item_count`;

const FOLDED_NAME = sql`guichet_fold(coalesce(p.given_name, '') || ' ' || coalesce(p.family_name, '') || ' ' || p.display_name)`;

/**
 * Active records matching a query (search/query.ts): exactly by email or phone, or by name with
 * typos (the same similarity as the agents' search), among those the scope lets the agent see.
 */
export async function searchPeople(
  trx: Tx,
  input: { query: SearchQuery; scopeIds: string[] | null; limit: number },
): Promise<PersonHit[]> {
  const { query } = input;
  if (query.text === '') return [];
  await sql`select set_config('pg_trgm.word_similarity_threshold', ${String(NAME_SIMILARITY)}, true)`.execute(trx);
  const exact: RawBuilder<boolean>[] = [];
  if (query.email) exact.push(sql<boolean>`lower(p.email) = ${query.email.toLowerCase()}`);
  if (query.phoneKey) exact.push(sql<boolean>`guichet_phone_key(p.phone) = ${query.phoneKey}`);
  const exactFirst = exact.length ? sql`(${sql.join(exact, sql` or `)}) desc,` : sql``;
  const { rows } = await sql<PersonHit>`
    select ${HIT_COLUMNS}
      from people p
     where p.merged_into_id is null
       and (${sql.join([...exact, sql<boolean>`${FOLDED_NAME} %> guichet_fold(${query.text})`], sql` or `)})
       and ${visibleWith(input.scopeIds)}
     order by ${exactFirst} word_similarity(guichet_fold(${query.text}), ${FOLDED_NAME}) desc, p.family_name, p.display_name, p.id
     limit ${input.limit}`.execute(trx);
  return rows;
}

/** The most recently changed records the agent may see (the list without a query). */
export async function latestPeople(trx: Tx, input: { scopeIds: string[] | null; limit: number }): Promise<PersonHit[]> {
  const { rows } = await sql<PersonHit>`
    select ${HIT_COLUMNS} from people p
     where p.merged_into_id is null and ${visibleWith(input.scopeIds)}
     order by p.updated_at desc, p.id limit ${input.limit}`.execute(trx);
  return rows;
}

/** Why two records may be one person. */
export type DuplicateReason = 'email' | 'phone' | 'name_birthdate';

/** The keys duplicates are found by, one row per record and key. */
const DUPLICATE_KEYS = sql`
  select p.tenant_id, p.id, 'email' as reason, lower(p.email) as k from people p
   where p.merged_into_id is null and p.email is not null
  union all
  select p.tenant_id, p.id, 'phone', guichet_phone_key(p.phone) from people p
   where p.merged_into_id is null and guichet_phone_key(p.phone) is not null
  union all
  select p.tenant_id, p.id, 'name_birthdate',
         guichet_name_key(p.given_name, p.family_name, p.display_name) || '|' || p.birthdate::text from people p
   where p.merged_into_id is null and p.birthdate is not null
     and guichet_name_key(p.given_name, p.family_name, p.display_name) is not null`;

/** The active records that may be the same person as this one, with why (each test on its index). */
export async function duplicatesOf(
  trx: Tx,
  person: PersonRow,
  scopeIds: string[] | null,
): Promise<(PersonHit & { reasons: DuplicateReason[] })[]> {
  const nameKey = sql`guichet_name_key(${person.given_name}::text, ${person.family_name}::text, ${person.display_name}::text)`;
  const sameEmail = sql<boolean>`lower(p.email) = lower(${person.email}::text)`;
  const samePhone = sql<boolean>`guichet_phone_key(p.phone) = guichet_phone_key(${person.phone}::text)`;
  const sameNameAndBirth = sql<boolean>`(guichet_name_key(p.given_name, p.family_name, p.display_name) = ${nameKey}
    and p.birthdate = ${person.birthdate}::date)`;
  const { rows } = await sql<PersonHit & { reasons: (DuplicateReason | null)[] }>`
    select ${HIT_COLUMNS},
           array[case when ${sameEmail} then 'email' end, case when ${samePhone} then 'phone' end,
                 case when ${sameNameAndBirth} then 'name_birthdate' end] as reasons
      from people p
     where p.merged_into_id is null and p.id <> ${person.id}
       -- The candidates through their indexes (migration 20261205400100): under row-level
       -- security the conditions below could not use them.
       and p.id = any(array(select guichet_duplicate_candidates(${person.id}::uuid)))
       and (${sameEmail} or ${samePhone} or ${sameNameAndBirth})
       and ${visibleWith(scopeIds)}
     order by p.created_at, p.id
     limit 20`.execute(trx);
  return rows.map((r) => ({ ...r, reasons: r.reasons.filter((x): x is DuplicateReason => x !== null) }));
}

export interface DuplicatePair {
  a: PersonHit;
  b: PersonHit;
  reasons: DuplicateReason[];
}

/** Pairs of active records that may be one person, among those the agent may see, oldest first. */
export async function duplicatePairs(
  trx: Tx,
  input: { scopeIds: string[] | null; limit: number },
): Promise<DuplicatePair[]> {
  const { rows } = await sql<{ a: string; b: string; reasons: DuplicateReason[] }>`
    with keys as (${DUPLICATE_KEYS})
    select x.id as a, y.id as b, array_agg(distinct x.reason) as reasons
      from keys x join keys y on y.tenant_id = x.tenant_id and y.reason = x.reason and y.k = x.k and y.id > x.id
      join people pa on pa.id = x.id join people pb on pb.id = y.id
     where ${visibleWith(input.scopeIds, 'pa')} and ${visibleWith(input.scopeIds, 'pb')}
     group by x.id, y.id, pa.created_at
     order by pa.created_at, x.id, y.id
     limit ${input.limit}`.execute(trx);
  if (rows.length === 0) return [];
  const ids = [...new Set(rows.flatMap((r) => [r.a, r.b]))];
  const hits = await sql<PersonHit>`select ${HIT_COLUMNS} from people p where p.id = any(${ids}::uuid[])`.execute(trx);
  const byId = new Map(hits.rows.map((h) => [h.id, h]));
  return rows.map((r) => ({ a: byId.get(r.a)!, b: byId.get(r.b)!, reasons: r.reasons }));
}

/** Merges into this record, latest first, with who made them (the record page's « Fusions »). */
export async function mergesInto(trx: Tx, keptId: string) {
  return trx
    .selectFrom('person_merges as m')
    .innerJoin('people as p', (j) => j.onRef('p.tenant_id', '=', 'm.tenant_id').onRef('p.id', '=', 'm.merged_id'))
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.id', '=', 'm.merged_by'))
    .select(['m.id', 'm.merged_id', 'm.merged_at', 'm.undone_at', 'p.display_name', 'p.given_name', 'p.family_name'])
    .select('a.display_name as agent_name')
    .where('m.kept_id', '=', keptId)
    .orderBy('m.merged_at', 'desc')
    .limit(20)
    .execute();
}
