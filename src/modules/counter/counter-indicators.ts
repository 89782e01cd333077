import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { computeSlots } from '../appointments/availability.ts';
import { closedDayTest } from '../appointments/find-slots.ts';
import { addDays, wallTimeOf, zonedInstant } from '../appointments/local-time.ts';
import {
  busyBetween,
  closuresBetween,
  demarchesWithMotifs,
  motifsOfDemarche,
  resourcesOfMotif,
  type MotifRow,
} from '../appointments/repository.ts';
import { loadTenantCalendar } from '../requests/tenant-calendar.ts';
import { periodBounds, waitingTimes, type Durations } from './waiting-times.ts';

export type { Durations } from './waiting-times.ts';

/** The longest period the figures cover (the offered slots are computed day by day). */
export const INDICATORS_MAX_DAYS = 366;

export interface IndicatorRow {
  siteId: string;
  siteName: string;
  demarcheId: string | null;
  /** null: tickets for « Autre demande ». */
  demarcheTitle: string | null;
  /** Tickets called to a counter in the period (walk-ins and checked-in appointments). */
  called: number;
  /** From arrival (an early comer: their appointment's time) to the first call. */
  wait: Durations;
  /** From the start of the service to its end, for people seen. */
  service: Durations;
  /** Appointments of the period whose time has passed (not cancelled). */
  appointmentsDue: number;
  seen: number;
  excused: number;
  /** Marked absent, or never checked in once their appointment was over. */
  noShows: number;
  /** noShows / appointmentsDue, null when none was due. */
  noShowRate: number | null;
  /** Places the agendas opened in the period, whatever was booked. */
  slotsOffered: number;
  /** Appointments (not cancelled) starting in the period. */
  slotsBooked: number;
  /** From booking to appointment, in seconds (median over the appointments booked). */
  bookingLead: Durations;
}

export interface FirstFreeSlot {
  demarcheId: string;
  demarcheTitle: string;
  /** The first slot still free from now (any site, or the one asked), or null within the booking horizon. */
  start: Date | null;
  siteId: string | null;
  /** Seconds from now to it. */
  leadSeconds: number | null;
}

export interface CounterIndicators {
  from: string;
  to: string;
  siteId: string | null;
  rows: IndicatorRow[];
  /** All sites and démarches of the period together (medians over every ticket, not of the rows). */
  total: Omit<IndicatorRow, 'siteId' | 'siteName' | 'demarcheId' | 'demarcheTitle'>;
  firstFreeSlots: FirstFreeSlot[];
}

type Num = number | string | null;
const num = (v: Num) => (v === null ? null : Number(v));
const count = (v: Num) => Number(v ?? 0);

/**
 * The counter's figures over a period (calendar days `from`–`to` in the commune, both included),
 * for one site or all: waiting and service times (median and 90th percentile, computed by the
 * database with percentile_cont), no-shows, slots offered and booked, the booking lead, per site
 * and démarche and all together; and the lead to the first free slot of each démarche from `now`.
 *
 * For the supervisors' page and the published results (the feedback issue): runs in the caller's
 * tenant transaction and reads nothing personal.
 */
export async function counterIndicators(
  trx: Tx,
  input: { tenantId: string; from: string; to: string; siteId?: string | null; now: Date },
): Promise<CounterIndicators> {
  const siteId = input.siteId ?? null;
  const { start, end } = periodBounds(input.from, input.to);
  const siteFilter = (column: string) => (siteId ? sql`and ${sql.ref(column)} = ${siteId}` : sql``);
  const seconds = (a: string, b: string) => sql`greatest(0, extract(epoch from (${sql.ref(b)} - ${sql.ref(a)})))`;

  const waits = await waitingTimes(trx, { from: input.from, to: input.to, siteId });

  const due = sql`(a.status in ('seen', 'excused', 'no_show') or (a.status = 'booked' and a.ends_at <= ${input.now}))`;
  const noShow = sql`(a.status = 'no_show' or (a.status = 'booked' and a.checked_in_at is null and a.ends_at <= ${input.now}))`;
  const appointments = await sql<{
    site_id: string | null;
    demarche_id: string | null;
    all_rows: number;
    booked: Num;
    due: Num;
    seen: Num;
    excused: Num;
    no_show: Num;
    lead_p50: Num;
    lead_p90: Num;
  }>`select a.site_id, a.demarche_id, grouping(a.site_id, a.demarche_id) as all_rows,
      count(*) as booked,
      count(*) filter (where ${due}) as due,
      count(*) filter (where a.status = 'seen') as seen,
      count(*) filter (where a.status = 'excused') as excused,
      count(*) filter (where ${noShow}) as no_show,
      percentile_cont(0.5) within group (order by ${seconds('a.created_at', 'a.starts_at')}) as lead_p50,
      percentile_cont(0.9) within group (order by ${seconds('a.created_at', 'a.starts_at')}) as lead_p90
    from appointments a
    where a.status <> 'cancelled' and a.starts_at >= ${start} and a.starts_at < ${end} ${siteFilter('a.site_id')}
    group by grouping sets ((a.site_id, a.demarche_id), ())`.execute(trx);

  const demarches = await demarchesWithMotifs(trx);
  const motifs: MotifRow[] = [];
  for (const d of demarches) motifs.push(...(await motifsOfDemarche(trx, d.id)));
  const calendar = await loadTenantCalendar(trx, input.tenantId);
  const isClosedDay = closedDayTest(calendar);
  const closures = await closuresBetween(trx, start, end);
  const offered = new Map<string, number>();
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000) + 1;
  for (const motif of motifs) {
    const resources = await resourcesOfMotif(trx, motif.id, siteId);
    // Every place the agendas opened: no notice, no horizon, nothing booked taken off.
    const slots = computeSlots({
      motif: { ...motif, minLeadMinutes: 0, maxLeadDays: days },
      resources,
      closures,
      busy: [],
      isClosedDay,
      from: input.from,
      to: input.to,
      now: start,
      today: input.from,
    });
    for (const s of slots) {
      const key = `${s.siteId}|${motif.demarcheId}`;
      offered.set(key, (offered.get(key) ?? 0) + s.remaining);
    }
  }

  const sites = await trx.selectFrom('appointment_sites').select(['id', 'name']).execute();
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const titles = await trx
    .selectFrom('demarches')
    .select(['id', 'title'])
    .where(
      'id',
      'in',
      [
        '00000000-0000-0000-0000-000000000000',
        ...waits.map((r) => r.demarcheId),
        ...appointments.rows.map((r) => r.demarche_id),
        ...[...offered.keys()].map((k) => k.split('|')[1]!),
      ].filter((id): id is string => id !== null),
    )
    .execute();
  const title = new Map(titles.map((d) => [d.id, d.title]));

  const empty = (): Omit<IndicatorRow, 'siteId' | 'siteName' | 'demarcheId' | 'demarcheTitle'> => ({
    called: 0,
    wait: { median: null, p90: null },
    service: { median: null, p90: null },
    appointmentsDue: 0,
    seen: 0,
    excused: 0,
    noShows: 0,
    noShowRate: null,
    slotsOffered: 0,
    slotsBooked: 0,
    bookingLead: { median: null, p90: null },
  });
  const rows = new Map<string, IndicatorRow>();
  const total = empty();
  const rowOf = (site: string, demarche: string | null): IndicatorRow => {
    const key = `${site}|${demarche ?? ''}`;
    let row = rows.get(key);
    if (!row)
      rows.set(
        key,
        (row = {
          siteId: site,
          siteName: siteName.get(site) ?? '',
          demarcheId: demarche,
          demarcheTitle: demarche ? (title.get(demarche) ?? null) : null,
          ...empty(),
        }),
      );
    return row;
  };
  for (const w of waits) {
    if (w.level === 'site') continue;
    const target = w.level === 'all' ? total : rowOf(w.siteId!, w.demarcheId);
    target.called = w.called;
    target.wait = w.wait;
    target.service = w.service;
  }
  for (const a of appointments.rows) {
    const target = Number(a.all_rows) !== 0 ? total : rowOf(a.site_id!, a.demarche_id);
    target.slotsBooked = count(a.booked);
    target.appointmentsDue = count(a.due);
    target.seen = count(a.seen);
    target.excused = count(a.excused);
    target.noShows = count(a.no_show);
    target.noShowRate = target.appointmentsDue > 0 ? target.noShows / target.appointmentsDue : null;
    target.bookingLead = { median: num(a.lead_p50), p90: num(a.lead_p90) };
  }
  for (const [key, places] of offered) {
    const [site, demarche] = key.split('|') as [string, string];
    if (places === 0) continue;
    rowOf(site, demarche).slotsOffered = places;
    total.slotsOffered += places;
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.siteName.localeCompare(b.siteName, 'fr') ||
      (a.demarcheTitle ?? '\uffff').localeCompare(b.demarcheTitle ?? '\uffff', 'fr'),
  );

  const firstFreeSlots: FirstFreeSlot[] = [];
  for (const d of demarches) {
    let best: { start: Date; siteId: string } | null = null;
    for (const motif of motifs.filter((m) => m.demarcheId === d.id)) {
      const found = await firstFreeSlot(trx, motif, siteId, isClosedDay, input.now);
      if (found && (!best || found.start < best.start)) best = found;
    }
    firstFreeSlots.push({
      demarcheId: d.id,
      demarcheTitle: d.title,
      start: best?.start ?? null,
      siteId: best?.siteId ?? null,
      leadSeconds: best ? Math.round((best.start.getTime() - input.now.getTime()) / 1000) : null,
    });
  }
  return { from: input.from, to: input.to, siteId, rows: sorted, total, firstFreeSlots };
}

/** The first slot of a motif with a seat left from now, looked for two weeks at a time up to its horizon. */
async function firstFreeSlot(
  trx: Tx,
  motif: MotifRow,
  siteId: string | null,
  isClosedDay: (day: string) => boolean,
  now: Date,
): Promise<{ start: Date; siteId: string } | null> {
  const resources = await resourcesOfMotif(trx, motif.id, siteId);
  if (resources.length === 0) return null;
  const today = wallTimeOf(now).day;
  const lastDay = addDays(today, motif.maxLeadDays);
  for (let from = today; from <= lastDay; from = addDays(from, 14)) {
    const to = addDays(from, 13) < lastDay ? addDays(from, 13) : lastDay;
    const rangeStart = zonedInstant(from, 0)!;
    const rangeEnd = zonedInstant(addDays(to, 1), 0)!;
    const [closures, busy] = await Promise.all([
      closuresBetween(trx, rangeStart, rangeEnd),
      busyBetween(
        trx,
        resources.map((r) => r.id),
        rangeStart,
        rangeEnd,
      ),
    ]);
    const slot = computeSlots({ motif, resources, closures, busy, isClosedDay, from, to, now, today }).find(
      (s) => s.remaining > 0,
    );
    if (slot) return { start: slot.start, siteId: slot.siteId };
  }
  return null;
}
