import type { Db, Tx } from '../../db/tenant-scope.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import type { TenantContact } from '../../db/schema.ts';
import type { Clock } from '../../platform/clock.ts';
import { enqueueJob, type JobQueue } from '../../platform/jobs/queue.ts';
import { loadAppointment } from './appointment-details.ts';
import { issueManageLink } from './links.ts';
import { queueAppointmentMessages } from './messages.ts';

/**
 * Reminders 48 hours and 2 hours before (decision 39), as durable jobs of the queue: queued in the
 * booking's transaction for their time, retried like any job. The job only puts the messages in
 * the mail and SMS outboxes, with `not_after` = the start: a mail server or SMS provider down for
 * a while delays them at most until then, never past it (the outboxes drop them, status
 * 'expired'). A job that runs once the appointment started, or after it was moved or cancelled,
 * does nothing: a move queues the reminders of its new time (the unique key carries the start).
 */

export const REMINDER_QUEUE = 'appointment.reminder';
export const REMINDERS = [
  { kind: 'reminder_48h', beforeMs: 48 * 3_600_000 },
  { kind: 'reminder_2h', beforeMs: 2 * 3_600_000 },
] as const;

export interface ReminderPayload {
  appointmentId: string;
  kind: (typeof REMINDERS)[number]['kind'];
  /** The start the reminder was queued for (ISO): a moved appointment's old reminders do nothing. */
  start: string;
  baseUrl: string;
}

/** Queues the reminders still ahead (a booking made 30 hours before gets the 2-hour one only). */
export async function scheduleReminders(
  trx: Tx,
  tenantId: string,
  appointment: { id: string; start: Date },
  baseUrl: string,
  now: Date,
): Promise<number> {
  let queued = 0;
  for (const r of REMINDERS) {
    const runAt = new Date(appointment.start.getTime() - r.beforeMs);
    if (runAt.getTime() <= now.getTime()) continue;
    const payload: ReminderPayload = {
      appointmentId: appointment.id,
      kind: r.kind,
      start: appointment.start.toISOString(),
      baseUrl,
    };
    const id = await enqueueJob(trx, tenantId, {
      queue: REMINDER_QUEUE,
      payload,
      runAt,
      uniqueKey: `${appointment.id}:${r.kind}:${payload.start}`,
      maxAttempts: 10,
    });
    if (id) queued++;
  }
  return queued;
}

/** Sends one reminder if it is still due; returns whether anything was queued. */
export async function sendReminder(
  db: Db,
  deps: { mailFrom: string; clock: Clock },
  tenantId: string,
  payload: ReminderPayload,
): Promise<boolean> {
  return inTenant(db, tenantId, async (trx) => {
    const a = await loadAppointment(trx, { id: payload.appointmentId });
    const now = deps.clock.now();
    if (!a || a.status !== 'booked') return false;
    if (a.start.toISOString() !== payload.start) return false;
    if (now.getTime() >= a.start.getTime()) return false;
    // Only once per appointment, start and kind, even if the job runs twice.
    const column = payload.kind === 'reminder_48h' ? 'reminder_48h_sent_for' : 'reminder_2h_sent_for';
    const marked = await trx
      .updateTable('appointments')
      .set({ [column]: a.start })
      .where('id', '=', a.id)
      .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<>', a.start)]))
      .returning('id')
      .executeTakeFirst();
    if (!marked) return false;
    const tenant = await trx.selectFrom('tenants').select(['id', 'name', 'kind', 'contact']).executeTakeFirstOrThrow();
    const cancellable = now.getTime() < a.start.getTime() - a.motif.cancelUntilMinutes * 60_000;
    const token = cancellable ? await issueManageLink(trx, tenantId, a.id) : null;
    await queueAppointmentMessages(trx, a, payload.kind, {
      tenant: tenant as { id: string; name: string; kind: string; contact: TenantContact },
      baseUrl: payload.baseUrl,
      mailFrom: deps.mailFrom,
      manageToken: token,
    });
    return true;
  });
}

export function registerAppointmentJobs(
  queue: JobQueue,
  deps: { db: Db; mailFrom: string; clock: Clock; mailQueued: () => void },
): void {
  queue.register<ReminderPayload>({
    queue: REMINDER_QUEUE,
    run: async (job) => {
      if (!job.tenantId) return;
      if (await sendReminder(deps.db, deps, job.tenantId, job.payload)) deps.mailQueued();
    },
  });
}
