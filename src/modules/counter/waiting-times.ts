import { sql } from 'kysely';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { addDays, zonedInstant } from '../appointments/local-time.ts';

/** Durations in seconds; null when nothing was measured. */
export interface Durations {
  median: number | null;
  p90: number | null;
}

/** The times of the people called to a counter, for one group of tickets. */
export interface WaitingTimes {
  /** null on the line of all sites together. */
  siteId: string | null;
  /** null on a site's line and on the line of all sites (and for « Autre demande » on a démarche's line). */
  demarcheId: string | null;
  /** 'demarche': one site and démarche; 'site': one site, every démarche; 'all': everything. */
  level: 'demarche' | 'site' | 'all';
  /** Tickets called to a counter in the period (walk-ins and checked-in appointments). */
  called: number;
  /** From arrival (an early comer: their appointment's time) to the first call. */
  wait: Durations;
  /** From the start of the service to its end, for people seen. */
  service: Durations;
}

type Num = number | string | null;
const num = (v: Num) => (v === null ? null : Number(v));

/** The commune's calendar days `from`–`to` (both included) as instants. */
export function periodBounds(from: string, to: string): { start: Date; end: Date } {
  return { start: zonedInstant(from, 0)!, end: zonedInstant(addDays(to, 1), 0)! };
}

/**
 * Waiting and service times at the counters over a period, computed by the database
 * (percentile_cont: the median and the 90th percentile, interpolated), per site and démarche,
 * per site, and for all sites together, in one pass. A ticket belongs to the day it was called.
 * Runs in the caller's tenant scope; reads nothing personal.
 */
export async function waitingTimes(
  conn: Db | Tx,
  input: { from: string; to: string; siteId?: string | null },
): Promise<WaitingTimes[]> {
  const { start, end } = periodBounds(input.from, input.to);
  const seconds = (a: string, b: string) => sql`greatest(0, extract(epoch from (${sql.ref(b)} - ${sql.ref(a)})))`;
  const rows = await sql<{
    site_id: string | null;
    demarche_id: string | null;
    grouped: number;
    called: Num;
    wait_p50: Num;
    wait_p90: Num;
    service_p50: Num;
    service_p90: Num;
  }>`select t.site_id, t.demarche_id, grouping(t.site_id, t.demarche_id) as grouped,
      count(*) as called,
      percentile_cont(0.5) within group (order by ${seconds('t.wait_from', 't.called_at')}) as wait_p50,
      percentile_cont(0.9) within group (order by ${seconds('t.wait_from', 't.called_at')}) as wait_p90,
      percentile_cont(0.5) within group (order by ${seconds('t.served_at', 't.completed_at')})
        filter (where t.status = 'seen') as service_p50,
      percentile_cont(0.9) within group (order by ${seconds('t.served_at', 't.completed_at')})
        filter (where t.status = 'seen') as service_p90
    from counter_tickets t
    where t.called_at >= ${start} and t.called_at < ${end}
      ${input.siteId ? sql`and t.site_id = ${input.siteId}` : sql``}
    group by grouping sets ((t.site_id, t.demarche_id), (t.site_id), ())`.execute(conn);
  return rows.rows.map((r) => {
    // grouping(): bit 1 for the site aggregated, bit 0 for the démarche.
    const grouped = Number(r.grouped);
    const level = grouped === 0 ? 'demarche' : grouped === 1 ? 'site' : 'all';
    return {
      siteId: level === 'all' ? null : r.site_id,
      demarcheId: level === 'demarche' ? r.demarche_id : null,
      level,
      called: Number(r.called ?? 0),
      wait: { median: num(r.wait_p50), p90: num(r.wait_p90) },
      service: { median: num(r.service_p50), p90: num(r.service_p90) },
    };
  });
}

export interface SiteWaitingTime {
  siteId: string;
  siteName: string;
  called: number;
  /** Seconds; null when nobody was called there in the period. */
  medianWaitSeconds: number | null;
  p90WaitSeconds: number | null;
}

/**
 * The median waiting time at the counter per site over a period, and for all sites together: the
 * figure the published results (issue 12, Services Publics+) show. Every active site with counters
 * is listed, with null times when nobody was called there.
 */
export async function medianWaitingTimeBySite(
  conn: Db | Tx,
  input: { from: string; to: string },
): Promise<{ sites: SiteWaitingTime[]; all: Omit<SiteWaitingTime, 'siteId' | 'siteName'> }> {
  const times = await waitingTimes(conn, input);
  const sites = await conn
    .selectFrom('appointment_sites as s')
    .select(['s.id', 's.name'])
    .where('s.active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('appointment_resources as r')
          .select(sql`1`.as('one'))
          .whereRef('r.site_id', '=', 's.id')
          .where('r.kind', '=', 'counter'),
      ),
    )
    .orderBy('s.position')
    .orderBy('s.name')
    .execute();
  const bySite = new Map(times.filter((t) => t.level === 'site').map((t) => [t.siteId, t]));
  const all = times.find((t) => t.level === 'all');
  return {
    sites: sites.map((s) => {
      const t = bySite.get(s.id);
      return {
        siteId: s.id,
        siteName: s.name,
        called: t?.called ?? 0,
        medianWaitSeconds: t?.wait.median ?? null,
        p90WaitSeconds: t?.wait.p90 ?? null,
      };
    }),
    all: {
      called: all?.called ?? 0,
      medianWaitSeconds: all?.wait.median ?? null,
      p90WaitSeconds: all?.wait.p90 ?? null,
    },
  };
}
