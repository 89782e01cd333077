import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { complaintIndicators } from '../complaints/indicators.ts';
import { siteAppointments } from '../counter/counter-indicators.ts';
import { waitingTimes } from '../counter/waiting-times.ts';
import type { ActionFigures, ComplaintFigures, CounterWaitFigures, SiteSourceFigures } from './indicators.ts';
import type { ResultsSources, SiteRange, SourceRange } from './sources.ts';

/** Main causes shown beside the complaint rate. */
const TOP_CAUSES = 3;
/** Improvement actions listed on « Nos résultats ». */
const LATEST_ACTIONS = 5;
const TIME_ZONE = 'Europe/Paris';

/**
 * Complaints received in the period ÷ items received (the complaints module's own figures, as on
 * its statistics page). Null — « pas encore de données » — when nothing was received at all.
 */
async function complaints(trx: Tx, range: SourceRange): Promise<ComplaintFigures | null> {
  const i = await complaintIndicators(trx, range);
  if (i.requestsReceived === 0 && i.received === 0) return null;
  return {
    complaints: i.received,
    rate: i.rate,
    causes: i.causes.slice(0, TOP_CAUSES).map((c) => ({ label: c.label, count: c.count })),
  };
}

/**
 * The median waiting time at the counters (the counter module's tickets, all sites). Tickets are
 * by site and démarche, not by service: a service's page has no figure of its own (null).
 */
async function counterWait(trx: Tx, range: SourceRange): Promise<CounterWaitFigures | null> {
  if (range.serviceId !== null) return null;
  return waitAt(trx, { from: range.from, to: range.to, siteId: null });
}

/** Visits (tickets called) and their median wait in minutes, one decimal; null when nobody was called. */
async function waitAt(
  trx: Tx,
  range: { from: string; to: string; siteId: string | null },
): Promise<CounterWaitFigures | null> {
  const all = (await waitingTimes(trx, range)).find((t) => t.level === (range.siteId ? 'site' : 'all'));
  if (!all || all.called === 0) return null;
  return {
    visits: all.called,
    medianMinutes: all.wait.median === null ? null : Math.round((all.wait.median / 60) * 10) / 10,
  };
}

/**
 * One site's figures (« Par lieu d'accueil »): the counter's visits and median wait there, and
 * its appointments — booked, and the no-show rate among those due. Null parts: no data yet.
 */
async function site(trx: Tx, range: SiteRange): Promise<SiteSourceFigures> {
  const appointments = await siteAppointments(trx, range);
  return {
    counterWait: await waitAt(trx, range),
    appointments: appointments.booked === 0 ? null : appointments,
  };
}

/**
 * « Vous avez dit, nous avons fait »: the improvement actions done in the period and those under
 * way (the experiences module's), for the collectivité or one service. Null when there is none.
 */
async function actions(trx: Tx, range: SourceRange): Promise<ActionFigures | null> {
  const start = sql`(${range.from}::date::timestamp at time zone ${TIME_ZONE})`;
  const end = sql`((${range.to}::date + 1)::timestamp at time zone ${TIME_ZONE})`;
  const rows = await sql<{ title: string; status: 'realisee' | 'en_cours'; on: string }>`
    select a.title, a.status,
           to_char(coalesce(a.done_at, a.updated_at) at time zone ${TIME_ZONE}, 'YYYY-MM-DD') as "on"
      from improvement_actions a
     where (${range.serviceId}::uuid is null or a.service_id = ${range.serviceId}::uuid)
       and ((a.status = 'realisee' and a.done_at >= ${start} and a.done_at < ${end})
            or (a.status = 'en_cours' and a.created_at < ${end}))
     order by coalesce(a.done_at, a.updated_at) desc, a.title
  `.execute(trx);
  if (rows.rows.length === 0) return null;
  return {
    done: rows.rows.filter((r) => r.status === 'realisee').length,
    inProgress: rows.rows.filter((r) => r.status === 'en_cours').length,
    latest: rows.rows.slice(0, LATEST_ACTIONS).map((r) => ({
      title: r.title,
      status: r.status === 'realisee' ? 'done' : 'in_progress',
      on: r.on,
    })),
  };
}

/** The figures « Nos résultats » takes from the modules that own them (sources.ts, decision 36). */
export const moduleResultsSources: ResultsSources = { complaints, counterWait, actions, site };
