import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../db/tenant-scope.ts';
import { formatDateFr, formatDateTimeFr } from '../../platform/format.ts';
import { lateCondition } from '../deadlines/read-deadline-report.ts';
import { AGREEMENT_LEVELS, SATISFACTION_LEVELS } from '../satisfaction/questions.ts';
import { AGENT_STATUS_LABELS } from '../requests/status.ts';
import { channelLabel } from './present.ts';

const TIME_ZONE = 'Europe/Paris';

/** The figures one can open, and what each lists. */
export const DRILL_INDICATORS = {
  satisfaction: 'Avis reçus',
  delais: 'Demandes traitées (respect des délais)',
  decroche: 'Appels (taux de décroché)',
  volumes: 'Demandes reçues',
} as const;
export type DrillIndicator = keyof typeof DRILL_INDICATORS;

export interface DrillDown {
  title: string;
  columns: string[];
  rows: string[][];
  /** Every item matched (the rows may stop at `limit`). */
  total: number;
  /** The column holding a request reference (linked on the page), or -1. */
  referenceColumn: number;
}

const LEVEL = new Map<number, string>(SATISFACTION_LEVELS.map((l) => [l.value, l.label]));
const AGREE = new Map<number, string>(AGREEMENT_LEVELS.map((l) => [l.value, l.label]));
const INTERACTIONS: Record<string, string> = {
  request: 'Demande close',
  contact: 'Appel ou visite',
  assistant: 'Assistant du site',
  kiosk: 'Tablette à l’accueil',
  visit: 'Visite au guichet',
};

/**
 * The items behind a figure of the dashboard, one row each (the page shows the first `limit`,
 * the CSV all of them): the answers behind the satisfaction (the request's reference only when
 * the citizen linked it), the requests handled with their due date and whether it was kept,
 * the calls logged and the missed calls noted, the requests received on a channel. Same rules
 * as the daily computation (compute-results.ts), read now.
 */
export async function readDrillDown(
  trx: Tx,
  input: {
    indicator: DrillIndicator;
    /** For « volumes »: one channel, or null for all. */
    channel: string | null;
    from: string;
    to: string;
    /** null: every service (administrators). */
    serviceId: string | null;
    /** A site (administrators): the answers given about a visit there or on its tablet. */
    siteId?: string | null;
    limit: number;
  },
): Promise<DrillDown> {
  const start = sql`(${input.from}::date::timestamp at time zone ${TIME_ZONE})`;
  const end = sql`((${input.to}::date + 1)::timestamp at time zone ${TIME_ZONE})`;
  const service = (column: RawBuilder<unknown>) =>
    input.serviceId === null ? sql`true` : sql`${column} = ${input.serviceId}::uuid`;
  const limit = input.limit + 1;
  if (input.indicator === 'satisfaction') {
    const rows = await sql<{
      answered_on: string;
      interaction: string;
      channel: string;
      service_name: string | null;
      satisfaction: number;
      simple: number | null;
      clear: number | null;
      online_score: number | null;
      comment: string;
      reference: string | null;
      total: string;
    }>`select a.answered_on::text as answered_on, a.interaction, a.channel, s.name as service_name, a.satisfaction,
        a.simple, a.clear, a.online_score, a.comment, r.reference, count(*) over () as total
      from survey_answers a
      left join services s on s.tenant_id = a.tenant_id and s.id = a.service_id
      left join requests r on r.tenant_id = a.tenant_id and r.id = a.request_id
      where a.answered_on between ${input.from}::date and ${input.to}::date and ${service(sql`a.service_id`)}
        and ${input.siteId ? sql`a.site_id = ${input.siteId}::uuid` : sql`true`}
      order by a.answered_on desc, a.id limit ${limit}`.execute(trx);
    return {
      title: DRILL_INDICATORS.satisfaction,
      columns: [
        'Date',
        'Après',
        'Canal',
        'Service',
        'Satisfaction',
        'Simple',
        'Claire',
        'Note sur 10',
        'Commentaire',
        'Demande (si l’usager l’a reliée)',
      ],
      rows: rows.rows
        .slice(0, input.limit)
        .map((r) => [
          formatDateFr(r.answered_on),
          INTERACTIONS[r.interaction] ?? r.interaction,
          channelLabel(r.channel),
          r.service_name ?? '',
          LEVEL.get(r.satisfaction) ?? String(r.satisfaction),
          r.simple === null ? '' : (AGREE.get(r.simple) ?? ''),
          r.clear === null ? '' : (AGREE.get(r.clear) ?? ''),
          r.online_score === null ? '' : String(r.online_score),
          r.comment,
          r.reference ?? '',
        ]),
      total: Number(rows.rows[0]?.total ?? 0),
      referenceColumn: 9,
    };
  }
  if (input.indicator === 'delais') {
    const rows = await sql<{
      reference: string;
      demarche: string;
      service_name: string;
      channel: string;
      submitted_at: Date;
      due_on: string;
      closed_at: Date;
      late: boolean;
      total: string;
    }>`select r.reference, d.title as demarche, s.name as service_name, r.channel, r.submitted_at, r.due_on::text as due_on,
        r.closed_at, ${lateCondition()} as late, count(*) over () as total
      from requests r
      join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
      join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
      where r.closed_at >= ${start} and r.closed_at < ${end}
        and r.closed_at - r.submitted_at >= interval '1 minute' and ${service(sql`r.service_id`)}
      order by r.closed_at desc, r.reference limit ${limit}`.execute(trx);
    return {
      title: DRILL_INDICATORS.delais,
      columns: ['Demande', 'Démarche', 'Service', 'Canal', 'Reçue le', 'Échéance', 'Close le', 'Dans le délai'],
      rows: rows.rows
        .slice(0, input.limit)
        .map((r) => [
          r.reference,
          r.demarche,
          r.service_name,
          channelLabel(r.channel),
          formatDateTimeFr(r.submitted_at),
          formatDateFr(r.due_on),
          formatDateTimeFr(r.closed_at),
          r.late ? 'Non' : 'Oui',
        ]),
      total: Number(rows.rows[0]?.total ?? 0),
      referenceColumn: 0,
    };
  }
  if (input.indicator === 'decroche') {
    const rows = await sql<{
      kind: 'answered' | 'missed';
      at: Date;
      service_name: string | null;
      reference: string | null;
      calls: number;
      total: string;
    }>`select *, count(*) over () as total from (
        select 'answered' as kind, r.submitted_at as at, s.name as service_name, r.reference, 1 as calls
        from requests r join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
        where r.channel = 'telephone' and r.submitted_at >= ${start} and r.submitted_at < ${end}
          and ${service(sql`r.service_id`)}
        union all
        select 'missed', (m.day::timestamp at time zone ${TIME_ZONE}), s.name, null, m.calls
        from missed_calls m left join services s on s.tenant_id = m.tenant_id and s.id = m.service_id
        where m.day between ${input.from}::date and ${input.to}::date and ${service(sql`m.service_id`)}
      ) calls order by at desc limit ${limit}`.execute(trx);
    return {
      title: DRILL_INDICATORS.decroche,
      columns: ['Type', 'Date', 'Service', 'Demande', 'Appels'],
      rows: rows.rows
        .slice(0, input.limit)
        .map((r) => [
          r.kind === 'answered' ? 'Appel pris par un agent' : 'Appels sans réponse notés',
          r.kind === 'answered' ? formatDateTimeFr(r.at) : formatDateFr(r.at),
          r.service_name ?? '',
          r.reference ?? '',
          String(r.calls),
        ]),
      total: Number(rows.rows[0]?.total ?? 0),
      referenceColumn: 3,
    };
  }
  const rows = await sql<{
    reference: string;
    demarche: string;
    service_name: string;
    channel: string;
    submitted_at: Date;
    status: keyof typeof AGENT_STATUS_LABELS;
    total: string;
  }>`select r.reference, d.title as demarche, s.name as service_name, r.channel, r.submitted_at, r.status,
      count(*) over () as total
    from requests r
    join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
    join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
    where r.submitted_at >= ${start} and r.submitted_at < ${end} and ${service(sql`r.service_id`)}
      and ${input.channel === null ? sql`true` : sql`r.channel = ${input.channel}`}
    order by r.submitted_at desc, r.reference limit ${limit}`.execute(trx);
  return {
    title: input.channel ? `${DRILL_INDICATORS.volumes} (${channelLabel(input.channel)})` : DRILL_INDICATORS.volumes,
    columns: ['Demande', 'Démarche', 'Service', 'Canal', 'Reçue le', 'Statut'],
    rows: rows.rows
      .slice(0, input.limit)
      .map((r) => [
        r.reference,
        r.demarche,
        r.service_name,
        channelLabel(r.channel),
        formatDateTimeFr(r.submitted_at),
        AGENT_STATUS_LABELS[r.status],
      ]),
    total: Number(rows.rows[0]?.total ?? 0),
    referenceColumn: 0,
  };
}
