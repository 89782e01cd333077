import { sql, type RawBuilder } from 'kysely';
import type { ComplaintCause } from '../../db/schema.ts';
import { inTenant, type Db, type Tx } from '../../db/tenant-scope.ts';
import { CAUSE_LABELS } from './labels.ts';

const TIME_ZONE = 'Europe/Paris';

/** One service's figures over the period. */
export interface ServiceComplaintFigures {
  serviceId: string;
  serviceName: string;
  /** Complaints received in the period. */
  received: number;
  /** Requests (every channel) received in the period: the denominator of the rate. */
  requestsReceived: number;
  /** received ÷ requestsReceived; null when the service received no request. */
  rate: number | null;
  /** Complaints closed (answered) in the period, and of those, by their due date. */
  handled: number;
  handledInTime: number;
}

/** The complaint indicators of a period; see docs/decisions/0037 for each definition. */
export interface ComplaintIndicators {
  from: string;
  to: string;
  serviceId: string | null;
  received: number;
  requestsReceived: number;
  /** Complaint rate: complaints received ÷ requests received; null with no request. */
  rate: number | null;
  handled: number;
  handledInTime: number;
  /** handledInTime ÷ handled; null when none was handled. */
  inTimeRate: number | null;
  /** Of the complaints received in the period: acknowledged, and acknowledged by their deadline. */
  acknowledged: number;
  acknowledgedInTime: number;
  acknowledgedInTimeRate: number | null;
  /** Received in the period and raised to the direction or the médiateur. */
  escalated: number;
  /** Decisions of the complaints handled in the period. */
  decisions: { fondee: number; partiellement_fondee: number; non_fondee: number };
  /** Root causes of the complaints handled in the period, most frequent first; share of handled. */
  causes: { cause: ComplaintCause; label: string; count: number; share: number }[];
  byService: ServiceComplaintFigures[];
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/**
 * Complaint figures over `from`–`to` (days 'YYYY-MM-DD', both included, in the commune's time
 * zone), for the tenant `trx` is scoped to, or one service. Called by the statistics page and
 * by « Nos résultats » (published results). A period with nothing gives zeros and null rates,
 * never a division by zero.
 */
export async function complaintIndicators(
  trx: Tx,
  input: { from: string; to: string; serviceId?: string | null },
): Promise<ComplaintIndicators> {
  const serviceId = input.serviceId ?? null;
  const inPeriod = (column: RawBuilder<unknown>) =>
    sql`(${column} >= (${input.from}::date::timestamp at time zone ${TIME_ZONE})
      and ${column} < ((${input.to}::date + 1)::timestamp at time zone ${TIME_ZONE}))`;
  const service = (column: RawBuilder<unknown>) =>
    serviceId === null ? sql`true` : sql`${column} = ${serviceId}::uuid`;

  const complaintRows = await sql<{
    service_id: string;
    received: string;
    acknowledged: string;
    acknowledged_in_time: string;
    escalated: string;
    handled: string;
    handled_in_time: string;
  }>`select c.service_id,
      count(*) filter (where ${inPeriod(sql`c.received_at`)}) as received,
      count(*) filter (where ${inPeriod(sql`c.received_at`)} and c.acknowledged_at is not null) as acknowledged,
      count(*) filter (where ${inPeriod(sql`c.received_at`)} and c.acknowledged_at <= c.acknowledge_by) as acknowledged_in_time,
      count(*) filter (where ${inPeriod(sql`c.received_at`)} and c.level <> 'service') as escalated,
      count(*) filter (where c.status = 'close' and ${inPeriod(sql`c.closed_at`)}) as handled,
      count(*) filter (where c.status = 'close' and ${inPeriod(sql`c.closed_at`)} and not c.answered_late) as handled_in_time
    from complaints c
    where ${service(sql`c.service_id`)}
      and (${inPeriod(sql`c.received_at`)} or ${inPeriod(sql`c.closed_at`)})
    group by c.service_id`.execute(trx);

  const requestRows = await sql<{ service_id: string; n: string }>`select r.service_id, count(*) as n
    from requests r
    where ${service(sql`r.service_id`)} and ${inPeriod(sql`r.submitted_at`)}
    group by r.service_id`.execute(trx);

  const causeRows = await sql<{
    cause: ComplaintCause;
    decision: string;
    n: string;
  }>`select c.cause, c.decision, count(*) as n
    from complaints c
    where ${service(sql`c.service_id`)} and c.status = 'close' and ${inPeriod(sql`c.closed_at`)}
    group by c.cause, c.decision`.execute(trx);

  const names = await trx.selectFrom('services').select(['id', 'name']).execute();
  const nameOf = new Map(names.map((s) => [s.id, s.name]));
  const requestsOf = new Map(requestRows.rows.map((r) => [r.service_id, Number(r.n)]));
  const ids = new Set([...complaintRows.rows.map((r) => r.service_id), ...requestsOf.keys()]);
  const byComplaintService = new Map(complaintRows.rows.map((r) => [r.service_id, r]));
  const byService: ServiceComplaintFigures[] = [...ids]
    .map((id) => {
      const c = byComplaintService.get(id);
      const received = Number(c?.received ?? 0);
      const requestsReceived = requestsOf.get(id) ?? 0;
      return {
        serviceId: id,
        serviceName: nameOf.get(id) ?? '',
        received,
        requestsReceived,
        rate: ratio(received, requestsReceived),
        handled: Number(c?.handled ?? 0),
        handledInTime: Number(c?.handled_in_time ?? 0),
      };
    })
    .filter((s) => s.received > 0 || s.handled > 0 || s.requestsReceived > 0)
    .sort((a, b) => b.received - a.received || a.serviceName.localeCompare(b.serviceName, 'fr'));

  const sum = (key: keyof (typeof complaintRows.rows)[number]) =>
    complaintRows.rows.reduce((t, r) => t + Number(r[key]), 0);
  const received = sum('received');
  const requestsReceived = [...requestsOf.values()].reduce((t, n) => t + n, 0);
  const handled = sum('handled');
  const handledInTime = sum('handled_in_time');
  const acknowledged = sum('acknowledged');
  const acknowledgedInTime = sum('acknowledged_in_time');

  const causeCounts = new Map<ComplaintCause, number>();
  const decisions = { fondee: 0, partiellement_fondee: 0, non_fondee: 0 };
  for (const r of causeRows.rows) {
    causeCounts.set(r.cause, (causeCounts.get(r.cause) ?? 0) + Number(r.n));
    if (r.decision in decisions) decisions[r.decision as keyof typeof decisions] += Number(r.n);
  }
  const causes = [...causeCounts]
    .map(([cause, count]) => ({ cause, label: CAUSE_LABELS[cause], count, share: count / handled }))
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'fr'));

  return {
    from: input.from,
    to: input.to,
    serviceId,
    received,
    requestsReceived,
    rate: ratio(received, requestsReceived),
    handled,
    handledInTime,
    inTimeRate: ratio(handledInTime, handled),
    acknowledged,
    acknowledgedInTime,
    acknowledgedInTimeRate: ratio(acknowledgedInTime, received),
    escalated: sum('escalated'),
    decisions,
    causes,
    byService,
  };
}

/** What « Nos résultats » publishes of complaints for a period (issue 12, part 5). */
export interface PublishedComplaintFigures {
  from: string;
  to: string;
  received: number;
  requestsReceived: number;
  /** received ÷ requestsReceived; null when no request was received (« pas encore de données »). */
  rate: number | null;
  /** The most frequent root causes of the complaints answered in the period, at most `top`. */
  mainCauses: { cause: ComplaintCause; label: string; count: number; share: number }[];
}

/**
 * The complaint rate and main causes of a tenant (or one of its services) over a period, for
 * the published results and their daily computation: its own transaction in the tenant's scope.
 */
export async function publishedComplaintFigures(
  db: Db,
  tenantId: string,
  input: { from: string; to: string; serviceId?: string | null; top?: number },
): Promise<PublishedComplaintFigures> {
  const i = await inTenant(db, tenantId, (trx) => complaintIndicators(trx, input));
  return {
    from: i.from,
    to: i.to,
    received: i.received,
    requestsReceived: i.requestsReceived,
    rate: i.rate,
    mainCauses: i.causes.slice(0, input.top ?? 3),
  };
}
