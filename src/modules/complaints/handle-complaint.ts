import type { ComplaintCause, ComplaintDecision, ComplaintLevel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { queueMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { loadTenantCalendar } from '../requests/tenant-calendar.ts';
import { decisionMail, escalationMail } from './complaint-mails.ts';
import { markAcknowledged } from './create-complaint.ts';
import { answerDueOn } from './deadlines.ts';
import { addComplaintEvent, complaintAnswerDays } from './repository.ts';
import { ACK_LABELS, LEVELS } from './labels.ts';

type Refusal = 'not_found' | 'closed' | 'top_level' | 'acknowledged';
type Outcome = { ok: true } | { ok: false; reason: Refusal };

async function lockOpen(trx: Tx, id: string) {
  return trx.selectFrom('complaints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** An acknowledgement given by phone, letter or at the counter (no address to mail it to). */
export async function acknowledgeComplaint(
  trx: Tx,
  input: { tenantId: string; id: string; how: keyof typeof ACK_LABELS; agentId: string; now: Date },
): Promise<Outcome> {
  const row = await lockOpen(trx, input.id);
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status === 'close') return { ok: false, reason: 'closed' };
  const done = await markAcknowledged(trx, {
    tenantId: input.tenantId,
    complaintId: input.id,
    how: input.how,
    note: `Accusé de réception : ${ACK_LABELS[input.how].toLowerCase()}.`,
    agentId: input.agentId,
    now: input.now,
  });
  return done ? { ok: true } : { ok: false, reason: 'acknowledged' };
}

/**
 * Raises a complaint one level (service → direction → médiateur), with the reason, in its
 * history. The new level has the announced time again from today; the citizen is told by mail
 * when they left an address. A closed complaint is escalated too (the citizen contests the
 * answer): it opens again at the next level.
 */
export async function escalateComplaint(
  trx: Tx,
  input: { tenant: Tenant; id: string; reason: string; agentId: string; now: Date },
): Promise<Outcome & { level?: ComplaintLevel }> {
  const row = await lockOpen(trx, input.id);
  if (!row) return { ok: false, reason: 'not_found' };
  const next = LEVELS[LEVELS.indexOf(row.level) + 1];
  if (!next) return { ok: false, reason: 'top_level' };
  const calendar = await loadTenantCalendar(trx, input.tenant.id);
  const days = await complaintAnswerDays(trx, input.tenant.id);
  const dueOn = answerDueOn(input.now, days, calendar);
  await trx
    .updateTable('complaints')
    .set({
      level: next,
      answer_due_on: dueOn,
      status: row.acknowledged_at ? 'en_cours' : 'recue',
      decision: null,
      cause: row.cause,
      answer: null,
      closed_at: null,
      answered_late: null,
    })
    .where('id', '=', input.id)
    .execute();
  await addComplaintEvent(trx, {
    tenantId: input.tenant.id,
    complaintId: input.id,
    kind: 'escalated',
    levelFrom: row.level,
    levelTo: next,
    body: input.reason,
    agentId: input.agentId,
    at: input.now,
  });
  if (row.citizen_email)
    await queueMail(
      trx,
      input.tenant.id,
      escalationMail({
        tenant: input.tenant,
        to: row.citizen_email,
        name: row.citizen_name,
        reference: row.reference,
        subject: row.subject,
        requestId: row.request_id,
        level: next,
        dueOn,
      }),
    );
  return { ok: true, level: next };
}

/**
 * Records the decision at the current level: the root cause, whether the complaint is founded,
 * the answer (mailed when there is an address), and whether it came after the due date.
 */
export async function decideComplaint(
  trx: Tx,
  input: {
    tenant: Tenant;
    id: string;
    cause: ComplaintCause;
    decision: ComplaintDecision;
    answer: string;
    agentId: string;
    now: Date;
  },
): Promise<Outcome> {
  const row = await lockOpen(trx, input.id);
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status === 'close') return { ok: false, reason: 'closed' };
  const late = parisDay(input.now) > row.answer_due_on;
  // Answering is acknowledging, when nobody did before.
  if (!row.acknowledged_at)
    await markAcknowledged(trx, {
      tenantId: input.tenant.id,
      complaintId: input.id,
      how: row.citizen_email ? 'courriel' : 'courrier',
      note: 'Accusé de réception avec la réponse.',
      agentId: input.agentId,
      now: input.now,
    });
  await trx
    .updateTable('complaints')
    .set({
      status: 'close',
      cause: input.cause,
      decision: input.decision,
      answer: input.answer,
      closed_at: input.now,
      answered_late: late,
    })
    .where('id', '=', input.id)
    .execute();
  await addComplaintEvent(trx, {
    tenantId: input.tenant.id,
    complaintId: input.id,
    kind: 'decided',
    levelFrom: row.level,
    body: input.answer,
    agentId: input.agentId,
    at: input.now,
  });
  if (row.citizen_email)
    await queueMail(
      trx,
      input.tenant.id,
      decisionMail({
        tenant: input.tenant,
        to: row.citizen_email,
        name: row.citizen_name,
        reference: row.reference,
        subject: row.subject,
        requestId: row.request_id,
        decision: input.decision,
        answer: input.answer,
        level: row.level,
      }),
    );
  return { ok: true };
}

/** The tenant's announced answer time, 1 to 120 calendar days (administrators). */
export async function setComplaintAnswerDays(trx: Tx, input: { tenantId: string; days: number }): Promise<void> {
  await trx
    .updateTable('tenants')
    .set({ complaint_answer_days: input.days })
    .where('id', '=', input.tenantId)
    .execute();
}
