import { sql } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import type { BusyRange, Closure, MotifRules, ResourceHours } from './availability.ts';

/** SQL of the appointments module (Kysely, no rules). Every function runs in a tenant scope. */

type Conn = Db | Tx;

export interface MotifRow extends MotifRules {
  demarcheId: string;
  name: string;
  documents: string[];
  mode: 'site' | 'phone';
  cancelUntilMinutes: number;
  waitingList: boolean;
}

const motifColumns = [
  'id',
  'demarche_id',
  'name',
  'duration_minutes',
  'buffer_minutes',
  'min_lead_minutes',
  'max_lead_days',
  'capacity',
  'documents',
  'mode',
  'cancel_until_minutes',
  'waiting_list',
] as const;

function toMotif(r: {
  id: string;
  demarche_id: string;
  name: string;
  duration_minutes: number;
  buffer_minutes: number;
  min_lead_minutes: number;
  max_lead_days: number;
  capacity: number;
  documents: string[];
  mode: 'site' | 'phone';
  cancel_until_minutes: number;
  waiting_list: boolean;
}): MotifRow {
  return {
    id: r.id,
    demarcheId: r.demarche_id,
    name: r.name,
    durationMinutes: r.duration_minutes,
    bufferMinutes: r.buffer_minutes,
    minLeadMinutes: r.min_lead_minutes,
    maxLeadDays: r.max_lead_days,
    capacity: r.capacity,
    documents: r.documents,
    mode: r.mode,
    cancelUntilMinutes: r.cancel_until_minutes,
    waitingList: r.waiting_list,
  };
}

/** The active motifs of a démarche, in the administrators' order. */
export async function motifsOfDemarche(conn: Conn, demarcheId: string): Promise<MotifRow[]> {
  const rows = await conn
    .selectFrom('appointment_motifs')
    .select(motifColumns)
    .where('demarche_id', '=', demarcheId)
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('name')
    .execute();
  return rows.map(toMotif);
}

export async function motifById(conn: Conn, motifId: string): Promise<MotifRow | null> {
  const row = await conn
    .selectFrom('appointment_motifs')
    .select(motifColumns)
    .where('id', '=', motifId)
    .executeTakeFirst();
  return row ? toMotif(row) : null;
}

export interface SiteRow {
  id: string;
  name: string;
  address: string;
  postal_code: string;
  city: string;
  phone: string;
  access_info: string;
  opening_hours: string;
}

/** The active sites where some active resource serves the motif. */
export async function sitesOfMotif(conn: Conn, motifId: string): Promise<SiteRow[]> {
  return conn
    .selectFrom('appointment_sites as s')
    .select(['s.id', 's.name', 's.address', 's.postal_code', 's.city', 's.phone', 's.access_info', 's.opening_hours'])
    .where('s.active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('appointment_motif_resources as mr')
          .innerJoin('appointment_resources as r', (j) =>
            j.onRef('r.tenant_id', '=', 'mr.tenant_id').onRef('r.id', '=', 'mr.resource_id'),
          )
          .select(sql`1`.as('one'))
          .whereRef('r.site_id', '=', 's.id')
          .where('r.active', '=', true)
          .where('mr.motif_id', '=', motifId),
      ),
    )
    .orderBy('s.position')
    .orderBy('s.name')
    .execute();
}

export async function siteById(conn: Conn, siteId: string): Promise<SiteRow | null> {
  return (
    (await conn
      .selectFrom('appointment_sites')
      .select(['id', 'name', 'address', 'postal_code', 'city', 'phone', 'access_info', 'opening_hours'])
      .where('id', '=', siteId)
      .executeTakeFirst()) ?? null
  );
}

/** The active resources of active sites able to serve the motif (at one site, or all), with their hours. */
export async function resourcesOfMotif(conn: Conn, motifId: string, siteId: string | null): Promise<ResourceHours[]> {
  let query = conn
    .selectFrom('appointment_motif_resources as mr')
    .innerJoin('appointment_resources as r', (j) =>
      j.onRef('r.tenant_id', '=', 'mr.tenant_id').onRef('r.id', '=', 'mr.resource_id'),
    )
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.site_id'),
    )
    .leftJoin('appointment_opening_periods as p', (j) =>
      j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.resource_id', '=', 'r.id'),
    )
    .select([
      'r.id as resource_id',
      'r.site_id',
      'p.weekday',
      sql<string | null>`p.opens_at::text`.as('opens_at'),
      sql<string | null>`p.closes_at::text`.as('closes_at'),
      sql<string | null>`p.valid_from::text`.as('valid_from'),
      sql<string | null>`p.valid_until::text`.as('valid_until'),
    ])
    .where('mr.motif_id', '=', motifId)
    .where('r.active', '=', true)
    .where('s.active', '=', true)
    .orderBy('s.position')
    .orderBy('r.position')
    .orderBy('r.name');
  if (siteId) query = query.where('r.site_id', '=', siteId);
  const rows = await query.execute();
  const byId = new Map<string, ResourceHours>();
  for (const row of rows) {
    let resource = byId.get(row.resource_id);
    if (!resource) byId.set(row.resource_id, (resource = { id: row.resource_id, siteId: row.site_id, periods: [] }));
    if (row.weekday !== null && row.opens_at && row.closes_at)
      resource.periods.push({
        weekday: row.weekday,
        opensAt: row.opens_at,
        closesAt: row.closes_at,
        validFrom: row.valid_from,
        validUntil: row.valid_until,
      });
  }
  return [...byId.values()];
}

/** Closures of the tenant, of these sites or of these resources that overlap [from, to). */
export async function closuresBetween(conn: Conn, from: Date, to: Date): Promise<Closure[]> {
  const rows = await conn
    .selectFrom('appointment_closures')
    .select(['site_id', 'resource_id', 'starts_at', 'ends_at'])
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .execute();
  return rows.map((r) => ({
    siteId: r.site_id,
    resourceId: r.resource_id,
    start: r.starts_at.getTime(),
    end: r.ends_at.getTime(),
  }));
}

/** Live appointments of these resources that may overlap [from, to) (appointments last less than a day). */
export async function busyBetween(conn: Conn, resourceIds: string[], from: Date, to: Date): Promise<BusyRange[]> {
  if (resourceIds.length === 0) return [];
  const rows = await conn
    .selectFrom('appointments')
    // Instants as epoch milliseconds: thousands of rows for a search of weeks, each parsed as a
    // number rather than a date (bench/appointments.ts). The literal 'cancelled' lets the planner
    // use the partial index (appointments_resource_time, which covers these columns).
    .select([
      'resource_id',
      sql<number>`(extract(epoch from starts_at) * 1000)::float8`.as('start_ms'),
      sql<number>`(extract(epoch from busy_until) * 1000)::float8`.as('busy_until_ms'),
      'slot_key',
    ])
    .where('resource_id', 'in', resourceIds)
    .where(sql<boolean>`status <> 'cancelled'`)
    .where('starts_at', '>=', new Date(from.getTime() - 86_400_000))
    .where('starts_at', '<', to)
    .execute();
  return rows.map((r) => ({
    resourceId: r.resource_id,
    start: Number(r.start_ms),
    busyUntil: Number(r.busy_until_ms),
    slotKey: r.slot_key,
  }));
}

/** Everything the slot computation reads from the database (availability.ts). */
export interface SlotInputs {
  resources: ResourceHours[];
  closures: Closure[];
  busy: BusyRange[];
}

/**
 * The inputs of a slot search in one statement (one round trip instead of three, issue 11): the
 * motif's resources with their opening periods (what `resourcesOfMotif` reads) and the closures
 * overlapping [from, to) (`closuresBetween`), as JSON in one header row, followed by the busy
 * ranges of those resources (`busyBetween`), one row each, naming their resource by its rank in
 * the header (a small number parsed rather than a UUID string). The busy ranges stay plain rows:
 * aggregated into one value they cost PostgreSQL more than the driver saves (docs/performance.md).
 * The text never varies (the resources are chosen in SQL, not listed), so the server keeps it
 * prepared (db/prepared-statements.ts) and does not plan it again.
 */
export async function slotInputs(
  conn: Conn,
  query: { motifId: string; siteId: string | null; from: Date; to: Date },
): Promise<SlotInputs> {
  const { rows } = await sql<{
    ordinal: number | null;
    start_ms: number | null;
    busy_until_ms: number | null;
    slot_key: string | null;
    resources: ResourceHours[] | null;
    closures: Closure[] | null;
  }>`
    with serving as (
      select r.id, r.site_id, row_number() over (order by s.position, r.position, r.name)::int as ordinal
        from appointment_motif_resources mr
        join appointment_resources r on r.tenant_id = mr.tenant_id and r.id = mr.resource_id
        join appointment_sites s on s.tenant_id = r.tenant_id and s.id = r.site_id
       where mr.motif_id = ${query.motifId} and r.active and s.active
         and (${query.siteId}::uuid is null or r.site_id = ${query.siteId}::uuid)
    )
    select null::int as ordinal, null::float8 as start_ms, null::float8 as busy_until_ms, null::text as slot_key,
           (select coalesce(json_agg(json_build_object('id', v.id, 'siteId', v.site_id, 'periods',
                     (select coalesce(json_agg(json_build_object('weekday', p.weekday, 'opensAt', p.opens_at::text,
                               'closesAt', p.closes_at::text, 'validFrom', p.valid_from::text,
                               'validUntil', p.valid_until::text) order by p.weekday, p.opens_at), '[]'::json)
                        from appointment_opening_periods p where p.resource_id = v.id))
                     order by v.ordinal), '[]'::json)
              from serving v) as resources,
           (select coalesce(json_agg(json_build_object('siteId', c.site_id, 'resourceId', c.resource_id,
                     'start', (extract(epoch from c.starts_at) * 1000)::float8,
                     'end', (extract(epoch from c.ends_at) * 1000)::float8)), '[]'::json)
              from appointment_closures c where c.starts_at < ${query.to} and c.ends_at > ${query.from}) as closures
    union all
    -- The literal 'cancelled' lets the planner use the partial index appointments_resource_time,
    -- which covers these columns (an index-only scan). Appointments last less than a day. Instants
    -- as epoch milliseconds in float8 arithmetic: a fifth of the cost of extract's numeric on 9,000
    -- values; exact, since the application writes whole milliseconds.
    select v.ordinal, round(date_part('epoch', a.starts_at) * 1000), round(date_part('epoch', a.busy_until) * 1000),
           a.slot_key, null, null
      from serving v
      join appointments a on a.resource_id = v.id
     where a.status <> 'cancelled'
       and a.starts_at >= ${new Date(query.from.getTime() - 86_400_000)} and a.starts_at < ${query.to}`.execute(conn);
  const header = rows.find((r) => r.ordinal === null);
  const inputs: SlotInputs = { resources: header?.resources ?? [], closures: header?.closures ?? [], busy: [] };
  for (const r of rows) {
    if (r.ordinal !== null) {
      inputs.busy.push({
        resourceId: inputs.resources[r.ordinal - 1]!.id,
        start: Number(r.start_ms),
        busyUntil: Number(r.busy_until_ms),
        slotKey: r.slot_key!,
      });
    }
  }
  return inputs;
}

/** The démarche a citizen books for, by its slug: published démarches only. */
export async function publishedDemarche(
  conn: Conn,
  slug: string,
): Promise<{ id: string; slug: string; title: string; sections: Record<string, string> } | null> {
  const row = await conn
    .selectFrom('demarches')
    .select(['id', 'slug', 'title', 'sections'])
    .where('slug', '=', slug)
    .where('published_at', 'is not', null)
    .where('audience', '=', 'public')
    .executeTakeFirst();
  return row ?? null;
}

/** The published démarches with at least one active motif, in title order. */
export async function demarchesWithMotifs(conn: Conn): Promise<{ id: string; slug: string; title: string }[]> {
  return conn
    .selectFrom('demarches as d')
    .select(['d.id', 'd.slug', 'd.title'])
    .where('d.published_at', 'is not', null)
    .where('d.audience', '=', 'public')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('appointment_motifs as m')
          .select(sql`1`.as('one'))
          .whereRef('m.demarche_id', '=', 'd.id')
          .where('m.active', '=', true),
      ),
    )
    .orderBy('d.title')
    .execute();
}

/** One row of the agents' list of a day's appointments. */
export interface AgendaRow {
  reference: string;
  start: Date;
  name: string;
  motif: string;
  site: string;
  resource: string;
  status: string;
  channel: string;
}

/** The appointments starting in [from, to), at one site or all, by time then site. */
export async function dayAgenda(
  conn: Conn,
  range: { from: Date; to: Date; siteId: string | null },
): Promise<AgendaRow[]> {
  let query = conn
    .selectFrom('appointments as a')
    .innerJoin('appointment_motifs as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.motif_id'),
    )
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.site_id'),
    )
    .innerJoin('appointment_resources as r', (j) =>
      j.onRef('r.tenant_id', '=', 'a.tenant_id').onRef('r.id', '=', 'a.resource_id'),
    )
    .select([
      'a.reference',
      'a.starts_at',
      'a.given_name',
      'a.family_name',
      'm.name as motif',
      's.name as site',
      'r.name as resource',
      'a.status',
      'a.channel',
    ])
    .where('a.starts_at', '>=', range.from)
    .where('a.starts_at', '<', range.to);
  if (range.siteId) query = query.where('a.site_id', '=', range.siteId);
  const rows = await query.orderBy('a.starts_at').orderBy('s.position').execute();
  return rows.map((r) => ({
    reference: r.reference,
    start: r.starts_at,
    name: `${r.given_name} ${r.family_name}`,
    motif: r.motif,
    site: r.site,
    resource: r.resource,
    status: r.status,
    channel: r.channel,
  }));
}

/** The tenant's active sites, in the administrators' order. */
export async function activeSites(conn: Conn): Promise<{ id: string; name: string }[]> {
  return conn
    .selectFrom('appointment_sites')
    .select(['id', 'name'])
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('name')
    .execute();
}
