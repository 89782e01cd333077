/**
 * The Services Publics+ indicators, computed from counts (decision 36). Pure functions: the
 * daily job (compute-results.ts) gathers the counts with SQL, these turn them into figures, and
 * the tests check them against hand-computed fixtures. A share with nothing to divide by is
 * null — « pas encore de données » —, never 0 % and never a division by zero.
 */

/** numerator ÷ denominator, or null when the denominator is 0. */
export function share(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Counts of one scope and month (or period), summed from the SQL groups. */
export interface Counts {
  /** Survey answers; satisfied (2 upper levels), dissatisfied (2 lower levels). */
  answers: number;
  satisfied: number;
  dissatisfied: number;
  simpleAnswered: number;
  simpleYes: number;
  clearAnswered: number;
  clearYes: number;
  /** Requests handled (closed) in the period, and those within the announced time. */
  handled: number;
  handledInTime: number;
  /** Calls logged by an agent, and calls noted as missed. */
  callsAnswered: number;
  callsMissed: number;
  /** Items received, per channel. */
  volumes: Record<string, number>;
}

export function emptyCounts(): Counts {
  return {
    answers: 0,
    satisfied: 0,
    dissatisfied: 0,
    simpleAnswered: 0,
    simpleYes: 0,
    clearAnswered: 0,
    clearYes: 0,
    handled: 0,
    handledInTime: 0,
    callsAnswered: 0,
    callsMissed: 0,
    volumes: {},
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  const volumes = { ...a.volumes };
  for (const [k, v] of Object.entries(b.volumes)) volumes[k] = (volumes[k] ?? 0) + v;
  return {
    answers: a.answers + b.answers,
    satisfied: a.satisfied + b.satisfied,
    dissatisfied: a.dissatisfied + b.dissatisfied,
    simpleAnswered: a.simpleAnswered + b.simpleAnswered,
    simpleYes: a.simpleYes + b.simpleYes,
    clearAnswered: a.clearAnswered + b.clearAnswered,
    clearYes: a.clearYes + b.clearYes,
    handled: a.handled + b.handled,
    handledInTime: a.handledInTime + b.handledInTime,
    callsAnswered: a.callsAnswered + b.callsAnswered,
    callsMissed: a.callsMissed + b.callsMissed,
    volumes,
  };
}

/** Online ratings of one démarche over a period: how many, and their sum. */
export interface DemarcheRatings {
  demarcheId: string;
  ratings: number;
  sum: number;
}

/** A démarche counts in « notées au moins 8/10 » once it has this many scores in the period. */
export const MIN_RATINGS_PER_DEMARCHE = 5;

export interface Figures {
  satisfaction: {
    answers: number;
    satisfied: number;
    dissatisfied: number;
    /** Share of satisfied answers. */
    rate: number | null;
    /** Share satisfied minus share dissatisfied, from −1 to 1. */
    net: number | null;
    simple: { answered: number; yes: number; rate: number | null };
    clear: { answered: number; yes: number; rate: number | null };
  };
  /** Respect des délais: handled within the announced time ÷ handled. */
  deadlines: { handled: number; inTime: number; rate: number | null };
  /** Taux de décroché: calls handled by an agent ÷ calls requiring one. */
  pickUp: { answered: number; required: number; rate: number | null };
  /** Online démarches rated at least 8/10 ÷ online démarches rated (with enough scores). */
  online: { rated: number; atLeast8: number; ratings: number; rate: number | null };
  volumes: { channel: string; count: number }[];
  received: number;
  /** From the complaints module once it exists (sources.ts); null: no data yet. */
  complaints: ComplaintFigures | null;
  /** From the counter's queue once it exists (sources.ts); null: no data yet. */
  counterWait: CounterWaitFigures | null;
  /** « Vous avez dit, nous avons fait »: from the experiences module once it exists; null: none yet. */
  actions: ActionFigures | null;
}

/** Improvement actions decided from the feedback, in the period: done and under way, the latest first. */
export interface ActionFigures {
  done: number;
  inProgress: number;
  latest: { title: string; status: 'done' | 'in_progress'; on: string }[];
}

export interface ComplaintFigures {
  complaints: number;
  /** Complaints ÷ items received. */
  rate: number | null;
  causes: { label: string; count: number }[];
}

export interface CounterWaitFigures {
  visits: number;
  medianMinutes: number | null;
}

/**
 * The figures that belong to a place (a site: the mairie, an annexe, France services): from the
 * counter's tickets and the appointments there (the counter module's source), and the survey
 * answers given about a visit there or on a tablet standing there.
 */
export interface SiteSourceFigures {
  /** People called to a counter there and their median wait; null when nobody was called. */
  counterWait: CounterWaitFigures | null;
  /** Appointments (not cancelled) starting in the period; the due ones and the no-shows among them. */
  appointments: { booked: number; due: number; noShows: number; noShowRate: number | null } | null;
}

export interface SiteFigures extends SiteSourceFigures {
  /**
   * Answers about a visit at the site (the survey after a ticket served, a tablet standing there);
   * null when there is none. Absent from documents computed before it existed: read as null.
   */
  satisfaction?: Figures['satisfaction'] | null;
}

export function onlineFigures(demarches: readonly DemarcheRatings[]): Figures['online'] {
  const rated = demarches.filter((d) => d.ratings >= MIN_RATINGS_PER_DEMARCHE);
  const atLeast8 = rated.filter((d) => d.sum / d.ratings >= 8).length;
  return {
    rated: rated.length,
    atLeast8,
    ratings: demarches.reduce((n, d) => n + d.ratings, 0),
    rate: share(atLeast8, rated.length),
  };
}

export function figuresOf(
  c: Counts,
  online: readonly DemarcheRatings[],
  extra: {
    complaints: ComplaintFigures | null;
    counterWait: CounterWaitFigures | null;
    actions: ActionFigures | null;
  } = {
    complaints: null,
    counterWait: null,
    actions: null,
  },
): Figures {
  const rate = share(c.satisfied, c.answers);
  const net = c.answers > 0 ? (c.satisfied - c.dissatisfied) / c.answers : null;
  const required = c.callsAnswered + c.callsMissed;
  const volumes = Object.entries(c.volumes)
    .filter(([, n]) => n > 0)
    .map(([channel, count]) => ({ channel, count }))
    .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
  return {
    satisfaction: {
      answers: c.answers,
      satisfied: c.satisfied,
      dissatisfied: c.dissatisfied,
      rate,
      net,
      simple: { answered: c.simpleAnswered, yes: c.simpleYes, rate: share(c.simpleYes, c.simpleAnswered) },
      clear: { answered: c.clearAnswered, yes: c.clearYes, rate: share(c.clearYes, c.clearAnswered) },
    },
    deadlines: { handled: c.handled, inTime: c.handledInTime, rate: share(c.handledInTime, c.handled) },
    pickUp: { answered: c.callsAnswered, required, rate: share(c.callsAnswered, required) },
    online: onlineFigures(online),
    volumes,
    received: volumes.reduce((n, v) => n + v.count, 0),
    complaints: extra.complaints,
    counterWait: extra.counterWait,
    actions: extra.actions,
  };
}

/** The median of a list (the mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Period {
  /** 'YYYY-MM-DD', both included. */
  from: string;
  to: string;
  /** 'YYYY-MM', oldest first. */
  months: string[];
}

function monthOf(day: string, back: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 - back;
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 7);
}

function lastDayOf(month: string): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0));
  return d.toISOString().slice(0, 10);
}

/**
 * The published periods on `today`: the last twelve months, the current one up to today
 * included, and the twelve months before them (« période précédente »).
 */
export function periodsOn(today: string): { current: Period; previous: Period } {
  const current = Array.from({ length: 12 }, (_, i) => monthOf(today, 11 - i));
  const previous = Array.from({ length: 12 }, (_, i) => monthOf(today, 23 - i));
  return {
    current: { from: `${current[0]}-01`, to: today, months: current },
    previous: { from: `${previous[0]}-01`, to: lastDayOf(previous[11]!), months: previous },
  };
}
