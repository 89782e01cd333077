import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';

/** A column that points at a record: every row of it moves when records are merged. */
export interface PersonLink {
  table: string;
  column: string;
}

/** Tables that point at people but are not the person's items: the merge history and the record itself. */
const NOT_ITEMS = new Set(['people', 'person_merges']);

/**
 * Every column of another table that points at a record, read from the database's foreign keys,
 * so that a table added later (appointments, feedback) moves with a merge without touching it.
 * Each such table has an `id` column: a merge records which rows it moved, to put them back.
 */
export async function personLinks(trx: Tx): Promise<PersonLink[]> {
  const { rows } = await sql<{ table: string; column: string; has_id: boolean }>`
    select cl.relname as table, a.attname as column,
           exists (select 1 from pg_attribute i where i.attrelid = c.conrelid and i.attname = 'id' and not i.attisdropped)
             as has_id
      from pg_constraint c
      join pg_class cl on cl.oid = c.conrelid
      join lateral unnest(c.conkey, c.confkey) as k(attnum, fattnum) on true
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = k.fattnum
     where c.contype = 'f' and c.confrelid = 'public.people'::regclass and fa.attname = 'id'
     order by cl.relname, a.attname`.execute(trx);
  const links = rows.filter((r) => !NOT_ITEMS.has(r.table));
  const withoutId = links.find((r) => !r.has_id);
  if (withoutId) throw new Error(`${withoutId.table}.${withoutId.column} points at people but has no id column`);
  return links.map((r) => ({ table: r.table, column: r.column }));
}

/** Moves the rows of one link from a record to another; returns the ids of the rows moved. */
export async function moveLinkedRows(
  trx: Tx,
  link: PersonLink,
  from: string,
  to: string,
  onlyIds?: readonly string[],
): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    update ${sql.table(link.table)} set ${sql.ref(link.column)} = ${to}
     where ${sql.ref(link.column)} = ${from}
       ${onlyIds ? sql`and id = any(${[...onlyIds]}::uuid[])` : sql``}
    returning id`.execute(trx);
  return rows.map((r) => r.id);
}

/** How many of these rows still point at a record. */
export async function countLinkedRows(trx: Tx, link: PersonLink, personId: string, ids: readonly string[]) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(link.table)}
     where ${sql.ref(link.column)} = ${personId} and id = any(${[...ids]}::uuid[])`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** A `person_changed` event on each item, for the agents (never shown to the citizen). */
export async function notePersonChanged(
  trx: Tx,
  input: { tenantId: string; requestIds: readonly string[]; agentId: string; body: string; now: Date },
): Promise<void> {
  if (input.requestIds.length === 0) return;
  await trx
    .insertInto('request_events')
    .values(
      input.requestIds.map((id) => ({
        tenant_id: input.tenantId,
        request_id: id,
        kind: 'person_changed' as const,
        body: input.body,
        author_kind: 'agent' as const,
        author_agent_id: input.agentId,
        visible_to_citizen: false,
        created_at: input.now,
      })),
    )
    .execute();
}
