import { sql, type RawBuilder } from 'kysely';
import type { RequestStatus } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { agentActor } from '../agents/policy.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { requestScope } from '../requests/policy.ts';

/** Items listed in each part of the report at most (the counts cover them all). */
export const REPORT_LIST_MAX = 500;

const TIME_ZONE = 'Europe/Paris';

export interface ReportItem {
  reference: string;
  demarcheTitle: string;
  serviceName: string;
  status: RequestStatus;
  dueOn: string;
  closedAt: Date | null;
  assigneeName: string | null;
}

export interface ReportRow {
  serviceName: string;
  demarcheTitle: string;
  /** Closed within the period. */
  closed: number;
  /** Of those, answered by their due date and never found overdue. */
  inTime: number;
  /** Open now, past their due date (not waiting for the citizen). */
  overdueNow: number;
}

export interface DeadlineReport {
  from: string;
  to: string;
  today: string;
  overdue: ReportItem[];
  closedLate: ReportItem[];
  rows: ReportRow[];
  totals: Omit<ReportRow, 'serviceName' | 'demarcheTitle'>;
  allServices: boolean;
}

/**
 * Whether the request `r` missed its announced time: ever recorded as a breach, or closed after
 * its due date. The one rule of this report and of the published « respect des délais »
 * (modules/results).
 */
export function lateCondition(): RawBuilder<boolean> {
  return sql<boolean>`(exists (select 1 from deadline_breaches b where b.tenant_id = r.tenant_id and b.request_id = r.id)
    or (r.closed_at at time zone ${TIME_ZONE})::date > r.due_on)`;
}

/**
 * How the deadlines committed to citizens are kept, for `agent`'s scope (supervisors: their
 * services; administrators: all): the items open past their due date today, the items closed
 * late within the period (`from`–`to`, both included, days in the commune's time zone), and per
 * service and démarche the share of items closed within the period that were answered in time.
 *
 * An item counts as late when it was ever recorded as a breach (`deadline_breaches`: found open
 * past a due date by the daily job, or closed after it) or closed after its due date; a due date
 * moved by a wait for the citizen does not wipe an earlier breach. Anonymised items count too:
 * they keep their dates. This is what the published results will be computed from.
 */
export async function readDeadlineReport(
  trx: Tx,
  input: { tenantId: string; agent: SessionAgent; from: string; to: string; today: string },
): Promise<DeadlineReport> {
  const actor = agentActor(input.tenantId, input.agent);
  if (!can(actor, 'view_deadline_report', { kind: 'tenant', tenantId: input.tenantId }))
    throw new AppError('forbidden', 'Cette page est réservée aux responsables de service et aux administrateurs.');
  const scope = requestScope(actor);
  const inScope: RawBuilder<unknown> =
    scope === null
      ? sql`true`
      : scope.length === 0
        ? sql`false`
        : sql`r.service_id in (${sql.join(scope.map((id) => sql`${id}::uuid`))})`;
  const closedInPeriod = sql`(r.closed_at >= (${input.from}::date::timestamp at time zone ${TIME_ZONE})
    and r.closed_at < ((${input.to}::date + 1)::timestamp at time zone ${TIME_ZONE}))`;
  const overdueNow = sql`(r.closed_at is null and r.status <> 'en_attente_usager' and r.due_on < ${input.today}::date)`;
  const late = lateCondition();
  const from = sql`from requests r
    join services s on s.tenant_id = r.tenant_id and s.id = r.service_id
    join demarches d on d.tenant_id = r.tenant_id and d.id = r.demarche_id
    left join agents a on a.tenant_id = r.tenant_id and a.id = r.assigned_agent_id`;
  const itemColumns = sql`r.reference, d.title as demarche_title, s.name as service_name, r.status,
    r.due_on::text as due_on, r.closed_at, a.display_name as assignee_name`;
  type ItemRow = {
    reference: string;
    demarche_title: string;
    service_name: string;
    status: RequestStatus;
    due_on: string;
    closed_at: Date | null;
    assignee_name: string | null;
  };
  const toItem = (r: ItemRow): ReportItem => ({
    reference: r.reference,
    demarcheTitle: r.demarche_title,
    serviceName: r.service_name,
    status: r.status,
    dueOn: r.due_on,
    closedAt: r.closed_at ? new Date(r.closed_at) : null,
    assigneeName: r.assignee_name,
  });
  const overdue = await sql<ItemRow>`select ${itemColumns} ${from}
    where ${inScope} and ${overdueNow} order by r.due_on, r.reference limit ${REPORT_LIST_MAX}`.execute(trx);
  const closedLate = await sql<ItemRow>`select ${itemColumns} ${from}
    where ${inScope} and ${closedInPeriod} and ${late} order by r.closed_at desc limit ${REPORT_LIST_MAX}`.execute(trx);
  const grouped = await sql<{
    service_name: string;
    demarche_title: string;
    closed: string;
    in_time: string;
    overdue_now: string;
  }>`select s.name as service_name, d.title as demarche_title,
      count(*) filter (where ${closedInPeriod}) as closed,
      count(*) filter (where ${closedInPeriod} and not ${late}) as in_time,
      count(*) filter (where ${overdueNow}) as overdue_now
    ${from}
    where ${inScope} and (${closedInPeriod} or ${overdueNow})
    group by s.name, d.title
    order by s.name, d.title`.execute(trx);
  const rows = grouped.rows.map((g) => ({
    serviceName: g.service_name,
    demarcheTitle: g.demarche_title,
    closed: Number(g.closed),
    inTime: Number(g.in_time),
    overdueNow: Number(g.overdue_now),
  }));
  const totals = rows.reduce(
    (t, r) => ({ closed: t.closed + r.closed, inTime: t.inTime + r.inTime, overdueNow: t.overdueNow + r.overdueNow }),
    { closed: 0, inTime: 0, overdueNow: 0 },
  );
  return {
    from: input.from,
    to: input.to,
    today: input.today,
    overdue: overdue.rows.map(toItem),
    closedLate: closedLate.rows.map(toItem),
    rows,
    totals,
    allServices: scope === null,
  };
}
