import { sql } from 'kysely';
import type { ComplaintEventKind, ComplaintLevel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';

/** Complaints listed at most on one page (the counts cover them all). */
export const LIST_MAX = 300;

/**
 * The complaints of `serviceIds` (null: every service), open ones by the nearest deadline (the
 * acknowledgement when not given, else the answer), then closed ones, newest first.
 */
export async function listComplaints(trx: Tx, input: { serviceIds: string[] | null; open: boolean }) {
  let q = trx
    .selectFrom('complaints as c')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.service_id'))
    .leftJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.id', '=', 'c.request_id'))
    .select([
      'c.id',
      'c.reference',
      'c.subject',
      'c.level',
      'c.status',
      'c.received_at',
      'c.acknowledge_by',
      'c.acknowledged_at',
      'c.answer_due_on',
      'c.closed_at',
      'c.answered_late',
      's.name as service_name',
      'r.reference as request_reference',
    ])
    .limit(LIST_MAX);
  if (input.serviceIds !== null)
    q = input.serviceIds.length === 0 ? q.where(sql<boolean>`false`) : q.where('c.service_id', 'in', input.serviceIds);
  q = input.open
    ? q.where('c.status', '<>', 'close').orderBy('c.answer_due_on').orderBy('c.received_at')
    : q.orderBy('c.received_at', 'desc');
  return q.execute();
}
export type ComplaintListRow = Awaited<ReturnType<typeof listComplaints>>[number];

export async function findComplaint(trx: Tx, id: string) {
  return trx
    .selectFrom('complaints as c')
    .innerJoin('services as s', (j) => j.onRef('s.tenant_id', '=', 'c.tenant_id').onRef('s.id', '=', 'c.service_id'))
    .leftJoin('requests as r', (j) => j.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.id', '=', 'c.request_id'))
    .selectAll('c')
    .select(['s.name as service_name', 'r.reference as request_reference'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}
export type ComplaintDetailRow = NonNullable<Awaited<ReturnType<typeof findComplaint>>>;

export async function complaintHistory(trx: Tx, id: string) {
  return trx
    .selectFrom('complaint_events as e')
    .leftJoin('agents as a', (j) => j.onRef('a.tenant_id', '=', 'e.tenant_id').onRef('a.id', '=', 'e.agent_id'))
    .select(['e.id', 'e.kind', 'e.level_from', 'e.level_to', 'e.body', 'e.created_at', 'a.display_name as agent_name'])
    .where('e.complaint_id', '=', id)
    .orderBy('e.created_at')
    .execute();
}
export type ComplaintEventRow = Awaited<ReturnType<typeof complaintHistory>>[number];

/** The complaints about one request, for its page. */
export async function complaintsOfRequest(trx: Tx, requestId: string) {
  return trx
    .selectFrom('complaints')
    .select(['id', 'reference', 'subject', 'level', 'status', 'answer_due_on', 'acknowledge_by', 'acknowledged_at'])
    .where('request_id', '=', requestId)
    .orderBy('received_at', 'desc')
    .execute();
}
export type RequestComplaintRow = Awaited<ReturnType<typeof complaintsOfRequest>>[number];

export async function complaintAnswerDays(trx: Tx, tenantId: string): Promise<number> {
  const row = await trx
    .selectFrom('tenants')
    .select('complaint_answer_days')
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return row.complaint_answer_days;
}

/**
 * The complaints of `serviceIds` (null: every service) whose deadline needs an agent now: not
 * acknowledged yet (and of those, past the 48-hour deadline), and answers past their due day.
 */
export async function complaintDeadlineCounts(
  trx: Tx,
  input: { serviceIds: string[] | null; now: Date; today: string },
): Promise<{ toAcknowledge: number; acknowledgementLate: number; answerLate: number }> {
  if (input.serviceIds !== null && input.serviceIds.length === 0)
    return { toAcknowledge: 0, acknowledgementLate: 0, answerLate: 0 };
  let q = trx
    .selectFrom('complaints')
    .select([
      sql<string>`count(*) filter (where acknowledged_at is null)`.as('to_acknowledge'),
      sql<string>`count(*) filter (where acknowledged_at is null and acknowledge_by < ${input.now})`.as('ack_late'),
      sql<string>`count(*) filter (where answer_due_on < ${input.today}::date)`.as('answer_late'),
    ])
    .where('status', '<>', 'close');
  if (input.serviceIds !== null) q = q.where('service_id', 'in', input.serviceIds);
  const row = await q.executeTakeFirstOrThrow();
  return {
    toAcknowledge: Number(row.to_acknowledge),
    acknowledgementLate: Number(row.ack_late),
    answerLate: Number(row.answer_late),
  };
}

/** One line of a complaint's history (append-only: the application role may not change it). */
export async function addComplaintEvent(
  trx: Tx,
  event: {
    tenantId: string;
    complaintId: string;
    kind: ComplaintEventKind;
    levelFrom?: ComplaintLevel;
    levelTo?: ComplaintLevel;
    body?: string;
    agentId: string | null;
    at: Date;
  },
): Promise<void> {
  await trx
    .insertInto('complaint_events')
    .values({
      tenant_id: event.tenantId,
      complaint_id: event.complaintId,
      kind: event.kind,
      level_from: event.levelFrom ?? null,
      level_to: event.levelTo ?? null,
      body: event.body ?? '',
      agent_id: event.agentId,
      created_at: event.at,
    })
    .execute();
}
