import { sql } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { lateCondition } from '../deadlines/read-deadline-report.ts';
import {
  addCounts,
  emptyCounts,
  figuresOf,
  periodsOn,
  type Counts,
  type DemarcheRatings,
  type Figures,
  type Period,
  type SiteFigures,
} from './indicators.ts';
import type { ResultsSources } from './sources.ts';

const TIME_ZONE = 'Europe/Paris';

/** What « Nos résultats » shows for one scope: read as is by the page, the exports and the dashboard. */
export interface ResultsDocument {
  version: 1;
  /** 'commune' or 'service:<id>' (a site's is a SiteResultsDocument). */
  scope: string;
  serviceId: string | null;
  serviceName: string | null;
  computedAt: string;
  current: Period & { figures: Figures };
  previous: Period & { figures: Figures };
  /** The current period's months, oldest first, for the charts. */
  months: {
    month: string;
    answers: number;
    satisfactionRate: number | null;
    handled: number;
    deadlineRate: number | null;
    callsRequired: number;
    pickUpRate: number | null;
  }[];
}

type Key = string; // `${serviceId ?? ''}|${month}`

/**
 * The survey answers' counts per month and per service or site, from `from` to `to` (both
 * included): the satisfaction indicators of « Nos résultats » (Services Publics+ levels: 4–5
 * satisfied, 1–2 dissatisfied; « oui » for 3–4 on the yes/no scales).
 */
async function satisfactionCounts(
  trx: Tx,
  input: { by: 'service_id' | 'site_id'; from: string; to: string; where: ReturnType<typeof sql> },
): Promise<{ key: string | null; month: string; counts: Counts }[]> {
  const rows = await sql<{
    key: string | null;
    month: string;
    answers: string;
    satisfied: string;
    dissatisfied: string;
    simple_answered: string;
    simple_yes: string;
    clear_answered: string;
    clear_yes: string;
  }>`select ${sql.ref(input.by)} as key, to_char(answered_on, 'YYYY-MM') as month, count(*) as answers,
      count(*) filter (where satisfaction >= 4) as satisfied,
      count(*) filter (where satisfaction <= 2) as dissatisfied,
      count(simple) as simple_answered, count(*) filter (where simple >= 3) as simple_yes,
      count(clear) as clear_answered, count(*) filter (where clear >= 3) as clear_yes
    from survey_answers
    where answered_on between ${input.from}::date and ${input.to}::date and ${input.where}
    group by 1, 2`.execute(trx);
  return rows.rows.map((r) => ({
    key: r.key,
    month: r.month,
    counts: {
      ...emptyCounts(),
      answers: Number(r.answers),
      satisfied: Number(r.satisfied),
      dissatisfied: Number(r.dissatisfied),
      simpleAnswered: Number(r.simple_answered),
      simpleYes: Number(r.simple_yes),
      clearAnswered: Number(r.clear_answered),
      clearYes: Number(r.clear_yes),
    },
  }));
}

/**
 * Every figure of one tenant on `today`, per scope (the commune, then each service with any
 * data), from a handful of grouped statements over the last 24 months — counts per service and
 * month, summed here into periods and scopes. Runs in the tenant's transaction.
 */
export async function computeResults(
  trx: Tx,
  input: { today: string; now: Date; sources?: ResultsSources },
): Promise<ResultsDocument[]> {
  const { current, previous } = periodsOn(input.today);
  const from = previous.from;
  const to = input.today;
  const counts = new Map<Key, Counts>();
  const at = (service: string | null, month: string) => {
    const k = `${service ?? ''}|${month}`;
    let c = counts.get(k);
    if (!c) counts.set(k, (c = emptyCounts()));
    return c;
  };
  const closedDay = sql`(r.closed_at at time zone ${TIME_ZONE})`;
  const submittedDay = sql`(r.submitted_at at time zone ${TIME_ZONE})`;
  const windowStart = sql`(${from}::date::timestamp at time zone ${TIME_ZONE})`;
  const windowEnd = sql`((${to}::date + 1)::timestamp at time zone ${TIME_ZONE})`;

  for (const r of await satisfactionCounts(trx, { by: 'service_id', from, to, where: sql`true` }))
    counts.set(`${r.key ?? ''}|${r.month}`, addCounts(at(r.key, r.month), r.counts));

  const deadlines = await sql<{ service_id: string; month: string; handled: string; in_time: string }>`
    select r.service_id, to_char(${closedDay}, 'YYYY-MM') as month, count(*) as handled,
      count(*) filter (where not ${lateCondition()}) as in_time
    from requests r
    where r.closed_at >= ${windowStart} and r.closed_at < ${windowEnd}
      -- answered on the spot (a call, a visit closed as it was noted): no announced time to keep
      and r.closed_at - r.submitted_at >= interval '1 minute'
    group by 1, 2`.execute(trx);
  for (const r of deadlines.rows) {
    const c = at(r.service_id, r.month);
    c.handled += Number(r.handled);
    c.handledInTime += Number(r.in_time);
  }

  const received = await sql<{ service_id: string; month: string; channel: string; n: string }>`
    select r.service_id, to_char(${submittedDay}, 'YYYY-MM') as month, r.channel, count(*) as n
    from requests r
    where r.submitted_at >= ${windowStart} and r.submitted_at < ${windowEnd}
    group by 1, 2, 3`.execute(trx);
  for (const r of received.rows) {
    const c = at(r.service_id, r.month);
    c.volumes[r.channel] = (c.volumes[r.channel] ?? 0) + Number(r.n);
    if (r.channel === 'telephone') c.callsAnswered += Number(r.n);
  }

  const missed = await sql<{ service_id: string | null; month: string; calls: string }>`
    select service_id, to_char(day, 'YYYY-MM') as month, sum(calls) as calls
    from missed_calls where day between ${from}::date and ${to}::date
    group by 1, 2`.execute(trx);
  for (const r of missed.rows) at(r.service_id, r.month).callsMissed += Number(r.calls);

  const ratings = await sql<{
    service_id: string | null;
    demarche_id: string;
    month: string;
    n: string;
    total: string;
  }>`
    select service_id, demarche_id, to_char(answered_on, 'YYYY-MM') as month, count(*) as n, sum(online_score) as total
    from survey_answers
    where answered_on between ${from}::date and ${to}::date and online_score is not null and demarche_id is not null
    group by 1, 2, 3`.execute(trx);

  const names = new Map(
    (await trx.selectFrom('services').select(['id', 'name']).execute()).map((s) => [s.id, s.name] as const),
  );
  const serviceIds = new Set<string>();
  for (const k of counts.keys()) {
    const id = k.split('|')[0]!;
    if (id && names.has(id)) serviceIds.add(id);
  }

  const sources = input.sources ?? {};
  const documents: ResultsDocument[] = [];
  for (const serviceId of [null, ...[...serviceIds].sort((a, b) => names.get(a)!.localeCompare(names.get(b)!, 'fr'))]) {
    const inScope = (id: string | null) => serviceId === null || id === serviceId;
    const monthCounts = (month: string) => {
      let sum = emptyCounts();
      for (const [k, c] of counts) {
        const [id, m] = k.split('|') as [string, string];
        if (m === month && inScope(id || null)) sum = addCounts(sum, c);
      }
      return sum;
    };
    const ratingsOf = (period: Period): DemarcheRatings[] => {
      const by = new Map<string, DemarcheRatings>();
      for (const r of ratings.rows) {
        if (!inScope(r.service_id) || !period.months.includes(r.month)) continue;
        const d = by.get(r.demarche_id) ?? { demarcheId: r.demarche_id, ratings: 0, sum: 0 };
        d.ratings += Number(r.n);
        d.sum += Number(r.total);
        by.set(r.demarche_id, d);
      }
      return [...by.values()];
    };
    const periodFigures = async (period: Period) => {
      const total = period.months.map(monthCounts).reduce(addCounts, emptyCounts());
      const range = { from: period.from, to: period.to, serviceId };
      return figuresOf(total, ratingsOf(period), {
        complaints: sources.complaints ? await sources.complaints(trx, range) : null,
        counterWait: sources.counterWait ? await sources.counterWait(trx, range) : null,
        actions: sources.actions ? await sources.actions(trx, range) : null,
      });
    };
    documents.push({
      version: 1,
      scope: serviceId === null ? 'commune' : `service:${serviceId}`,
      serviceId,
      serviceName: serviceId === null ? null : names.get(serviceId)!,
      computedAt: input.now.toISOString(),
      current: { ...current, figures: await periodFigures(current) },
      previous: { ...previous, figures: await periodFigures(previous) },
      months: current.months.map((month) => {
        const f = figuresOf(monthCounts(month), []);
        return {
          month,
          answers: f.satisfaction.answers,
          satisfactionRate: f.satisfaction.rate,
          handled: f.deadlines.handled,
          deadlineRate: f.deadlines.rate,
          callsRequired: f.pickUp.required,
          pickUpRate: f.pickUp.rate,
        };
      }),
    });
  }
  return documents;
}

/** What « Nos résultats » shows for one site (« Par lieu d'accueil »), scope 'site:<id>'. */
export interface SiteResultsDocument {
  version: 1;
  scope: string;
  siteId: string;
  siteName: string;
  /** 'mairie', 'annexe', 'france_services' or 'autre'. */
  siteKind: string;
  computedAt: string;
  current: Period & { figures: SiteFigures };
  previous: Period & { figures: SiteFigures };
}

/**
 * The figures of each active site of the tenant on `today`, this period and the one before: the
 * counter module's source (without it those figures are null, « pas encore de données »), and the
 * satisfaction of the answers given about the site.
 */
export async function computeSiteResults(
  trx: Tx,
  input: { today: string; now: Date; sources?: ResultsSources },
): Promise<SiteResultsDocument[]> {
  const { current, previous } = periodsOn(input.today);
  const sites = await trx
    .selectFrom('appointment_sites')
    .select(['id', 'name', 'kind'])
    .where('active', '=', true)
    .orderBy('position')
    .orderBy('name')
    .execute();
  const source = input.sources?.site;
  const answers = await satisfactionCounts(trx, {
    by: 'site_id',
    from: previous.from,
    to: input.today,
    where: sql`site_id is not null`,
  });
  const satisfactionOf = (siteId: string, period: Period) => {
    let total = emptyCounts();
    for (const r of answers)
      if (r.key === siteId && period.months.includes(r.month)) total = addCounts(total, r.counts);
    return total.answers === 0 ? null : figuresOf(total, []).satisfaction;
  };
  const siteFiguresOf = async (siteId: string, period: Period): Promise<SiteFigures> => ({
    ...(source
      ? await source(trx, { from: period.from, to: period.to, siteId, now: input.now })
      : { counterWait: null, appointments: null }),
    satisfaction: satisfactionOf(siteId, period),
  });
  const documents: SiteResultsDocument[] = [];
  for (const site of sites)
    documents.push({
      version: 1,
      scope: `site:${site.id}`,
      siteId: site.id,
      siteName: site.name,
      siteKind: site.kind,
      computedAt: input.now.toISOString(),
      current: { ...current, figures: await siteFiguresOf(site.id, current) },
      previous: { ...previous, figures: await siteFiguresOf(site.id, previous) },
    });
  return documents;
}

/** Replaces the tenant's published documents with these, in the caller's transaction. */
export async function publishResults(
  trx: Tx,
  tenantId: string,
  documents: (ResultsDocument | SiteResultsDocument)[],
  now: Date,
): Promise<void> {
  await trx
    .deleteFrom('published_results')
    .where(
      'scope',
      'not in',
      documents.map((d) => d.scope),
    )
    .execute();
  for (const d of documents) {
    await trx
      .insertInto('published_results')
      .values({ tenant_id: tenantId, scope: d.scope, computed_at: now, figures: JSON.stringify(d) })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'scope']).doUpdateSet({ computed_at: now, figures: JSON.stringify(d) }),
      )
      .execute();
  }
}
