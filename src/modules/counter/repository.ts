import { sql } from 'kysely';
import type { CounterTicketStatus } from '../../db/schema.ts';
import type { Db, Tx } from '../../db/tenant-scope.ts';

type Conn = Db | Tx;

/** « A012 »: the ticket's letter and its number on three digits, as the screen shows it. */
export function ticketCode(letter: string, number: number): string {
  return `${letter}${String(number).padStart(3, '0')}`;
}

export interface CounterSite {
  id: string;
  name: string;
  counters: { id: string; name: string }[];
}

/** The active sites that have at least one active counter, with their counters, in their order. */
export async function sitesWithCounters(conn: Conn): Promise<CounterSite[]> {
  const rows = await conn
    .selectFrom('appointment_sites as s')
    .innerJoin('appointment_resources as r', (j) =>
      j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.site_id', '=', 's.id'),
    )
    .select(['s.id as site_id', 's.name as site_name', 'r.id', 'r.name'])
    .where('s.active', '=', true)
    .where('r.active', '=', true)
    .where('r.kind', '=', 'counter')
    .orderBy('s.position')
    .orderBy('s.name')
    .orderBy('r.position')
    .orderBy('r.name')
    .execute();
  const sites: CounterSite[] = [];
  for (const r of rows) {
    let site = sites.at(-1);
    if (site?.id !== r.site_id) sites.push((site = { id: r.site_id, name: r.site_name, counters: [] }));
    site.counters.push({ id: r.id, name: r.name });
  }
  return sites;
}

/** A site that has counters, or null (unknown, inactive, without counters). */
export async function counterSite(conn: Conn, siteId: string): Promise<CounterSite | null> {
  return (await sitesWithCounters(conn)).find((s) => s.id === siteId) ?? null;
}

export interface Counter {
  id: string;
  name: string;
  siteId: string;
  siteName: string;
}

/** An active counter of an active site. */
export async function counterById(conn: Conn, counterId: string): Promise<Counter | null> {
  const row = await conn
    .selectFrom('appointment_resources as r')
    .innerJoin('appointment_sites as s', (j) =>
      j.onRef('s.tenant_id', '=', 'r.tenant_id').onRef('s.id', '=', 'r.site_id'),
    )
    .select(['r.id', 'r.name', 's.id as site_id', 's.name as site_name'])
    .where('r.id', '=', counterId)
    .where('r.kind', '=', 'counter')
    .where('r.active', '=', true)
    .where('s.active', '=', true)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, siteId: row.site_id, siteName: row.site_name } : null;
}

/**
 * The démarches a walk-in may take a ticket for at a site: those with an active motif that one of
 * the site's active counters serves, in title order.
 */
export async function walkInDemarches(conn: Conn, siteId: string): Promise<{ id: string; title: string }[]> {
  return conn
    .selectFrom('demarches as d')
    .select(['d.id', 'd.title'])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('appointment_motifs as m')
          .innerJoin('appointment_motif_resources as mr', (j) =>
            j.onRef('mr.tenant_id', '=', 'm.tenant_id').onRef('mr.motif_id', '=', 'm.id'),
          )
          .innerJoin('appointment_resources as r', (j) =>
            j.onRef('r.tenant_id', '=', 'mr.tenant_id').onRef('r.id', '=', 'mr.resource_id'),
          )
          .select(sql`1`.as('one'))
          .whereRef('m.demarche_id', '=', 'd.id')
          .where('m.active', '=', true)
          .where('r.active', '=', true)
          .where('r.kind', '=', 'counter')
          .where('r.site_id', '=', siteId),
      ),
    )
    .orderBy('d.title')
    .execute();
}

export interface TicketRow {
  id: string;
  code: string;
  status: CounterTicketStatus;
  siteId: string;
  demarcheTitle: string | null;
  name: string;
  issuedAt: Date;
  waitFrom: Date;
  calledAt: Date | null;
  lastCalledAt: Date | null;
  calls: number;
  servedAt: Date | null;
  counterId: string | null;
  counterName: string | null;
  appointment: { id: string; reference: string; start: Date; motifName: string } | null;
}

function ticketQuery(conn: Conn) {
  return conn
    .selectFrom('counter_tickets as t')
    .leftJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 't.tenant_id').onRef('d.id', '=', 't.demarche_id'))
    .leftJoin('appointment_resources as c', (j) =>
      j.onRef('c.tenant_id', '=', 't.tenant_id').onRef('c.id', '=', 't.counter_resource_id'),
    )
    .leftJoin('appointments as a', (j) =>
      j.onRef('a.tenant_id', '=', 't.tenant_id').onRef('a.id', '=', 't.appointment_id'),
    )
    .leftJoin('appointment_motifs as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.motif_id'),
    )
    .select([
      't.id',
      't.letter',
      't.number',
      't.status',
      't.site_id',
      'd.title as demarche_title',
      't.name',
      't.issued_at',
      't.wait_from',
      't.called_at',
      't.last_called_at',
      't.calls',
      't.served_at',
      't.counter_resource_id',
      'c.name as counter_name',
      'a.id as appointment_id',
      'a.reference',
      'a.starts_at',
      'a.given_name',
      'a.family_name',
      'm.name as motif_name',
    ]);
}

type RawTicket = Awaited<ReturnType<ReturnType<typeof ticketQuery>['executeTakeFirstOrThrow']>>;

function toTicket(r: RawTicket): TicketRow {
  return {
    id: r.id,
    code: ticketCode(r.letter, r.number),
    status: r.status,
    siteId: r.site_id,
    demarcheTitle: r.demarche_title,
    name: r.appointment_id ? `${r.given_name} ${r.family_name}` : r.name,
    issuedAt: r.issued_at,
    waitFrom: r.wait_from,
    calledAt: r.called_at,
    lastCalledAt: r.last_called_at,
    calls: r.calls,
    servedAt: r.served_at,
    counterId: r.counter_resource_id,
    counterName: r.counter_name,
    appointment:
      r.appointment_id && r.reference && r.starts_at
        ? { id: r.appointment_id, reference: r.reference, start: r.starts_at, motifName: r.motif_name ?? '' }
        : null,
  };
}

export async function ticketById(conn: Conn, ticketId: string): Promise<TicketRow | null> {
  const row = await ticketQuery(conn).where('t.id', '=', ticketId).executeTakeFirst();
  return row ? toTicket(row) : null;
}

/** The person called to or served at a counter now, if any. */
export async function currentTicketOf(conn: Conn, counterId: string): Promise<TicketRow | null> {
  const row = await ticketQuery(conn)
    .where('t.counter_resource_id', '=', counterId)
    .where('t.status', 'in', ['called', 'serving'])
    .executeTakeFirst();
  return row ? toTicket(row) : null;
}

/** The tickets of a site and day, waiting first (in their order of arrival), then the others. */
export async function ticketsOfDay(conn: Conn, siteId: string, day: string): Promise<TicketRow[]> {
  const rows = await ticketQuery(conn)
    .where('t.site_id', '=', siteId)
    .where('t.day', '=', day)
    .orderBy(sql`t.status = 'waiting'`, 'desc')
    .orderBy('t.wait_from')
    .orderBy('t.number')
    .execute();
  return rows.map(toTicket);
}

/** The last calls of a site and day, the latest first: what the waiting-room screen shows. */
export async function recentCalls(conn: Conn, siteId: string, day: string, limit: number): Promise<TicketRow[]> {
  const rows = await ticketQuery(conn)
    .where('t.site_id', '=', siteId)
    .where('t.day', '=', day)
    .where('t.last_called_at', 'is not', null)
    .orderBy('t.last_called_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toTicket);
}

export interface DayAppointment {
  id: string;
  reference: string;
  start: Date;
  end: Date;
  name: string;
  motifName: string;
  demarcheTitle: string;
  status: 'booked' | 'cancelled' | 'seen' | 'excused' | 'no_show';
  checkedInAt: Date | null;
  ticketCode: string | null;
}

/** The live appointments of a site between two instants, in time order, with their ticket if checked in. */
export async function appointmentsBetween(conn: Conn, siteId: string, from: Date, to: Date): Promise<DayAppointment[]> {
  const rows = await conn
    .selectFrom('appointments as a')
    .innerJoin('appointment_motifs as m', (j) =>
      j.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.motif_id'),
    )
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'a.tenant_id').onRef('d.id', '=', 'a.demarche_id'))
    .leftJoin('counter_tickets as t', (j) =>
      j.onRef('t.tenant_id', '=', 'a.tenant_id').onRef('t.appointment_id', '=', 'a.id'),
    )
    .select([
      'a.id',
      'a.reference',
      'a.starts_at',
      'a.ends_at',
      'a.given_name',
      'a.family_name',
      'a.status',
      'a.checked_in_at',
      'm.name as motif_name',
      'd.title as demarche_title',
      't.letter',
      't.number',
    ])
    .where('a.site_id', '=', siteId)
    .where('a.status', '<>', 'cancelled')
    .where('a.starts_at', '>=', from)
    .where('a.starts_at', '<', to)
    .where('m.mode', '=', 'site')
    .orderBy('a.starts_at')
    .orderBy('a.family_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reference: r.reference,
    start: r.starts_at,
    end: r.ends_at,
    name: `${r.given_name} ${r.family_name}`,
    motifName: r.motif_name,
    demarcheTitle: r.demarche_title,
    status: r.status,
    checkedInAt: r.checked_in_at,
    ticketCode: r.letter && r.number ? ticketCode(r.letter, r.number) : null,
  }));
}

/** The name of an active site, or null. */
export async function activeSiteName(conn: Conn, siteId: string): Promise<string | null> {
  const site = await conn
    .selectFrom('appointment_sites')
    .select('name')
    .where('id', '=', siteId)
    .where('active', '=', true)
    .executeTakeFirst();
  return site?.name ?? null;
}

/** How many people wait at a site on a day. */
export async function waitingCount(conn: Conn, siteId: string, day: string): Promise<number> {
  const row = await conn
    .selectFrom('counter_tickets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('site_id', '=', siteId)
    .where('day', '=', day)
    .where('status', '=', 'waiting')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The ticket an appointment got at its check-in, with the arrival; null before it. */
export async function ticketOfAppointment(
  trx: Tx,
  reference: string,
): Promise<{ reference: string; code: string; checkedInAt: Date; start: Date } | null> {
  const row = await trx
    .selectFrom('appointments as a')
    .innerJoin('counter_tickets as t', (j) =>
      j.onRef('t.tenant_id', '=', 'a.tenant_id').onRef('t.appointment_id', '=', 'a.id'),
    )
    .select(['a.reference', 'a.checked_in_at', 'a.starts_at', 't.letter', 't.number'])
    .where('a.reference', '=', reference.trim().toUpperCase())
    .executeTakeFirst();
  if (!row) return null;
  return {
    reference: row.reference,
    code: ticketCode(row.letter, row.number),
    checkedInAt: row.checked_in_at ?? row.starts_at,
    start: row.starts_at,
  };
}
