import { sql } from 'kysely';
import type { ComplaintChannel } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { queueMail } from '../../platform/mail.ts';
import type { Tenant } from '../../platform/tenant.ts';
import { generateReference } from '../requests/reference.ts';
import { loadTenantCalendar } from '../requests/tenant-calendar.ts';
import { acknowledgementMail } from './complaint-mails.ts';
import { acknowledgementDay, answerDueOn } from './deadlines.ts';
import { addComplaintEvent, complaintAnswerDays } from './repository.ts';

export interface NewComplaint {
  tenant: Tenant;
  serviceId: string;
  requestId: string | null;
  channel: ComplaintChannel;
  subject: string;
  description: string;
  citizenName: string | null;
  citizenEmail: string | null;
  citizenPhone: string | null;
  agentId: string;
  now: Date;
}

/** The prefix of complaint numbers (`REC-2026-4F7K2`), apart from requests' so nobody mixes them. */
export const COMPLAINT_PREFIX = 'REC';

/**
 * Records a complaint with its two deadlines (acknowledgement within two working days, answer
 * within the tenant's announced days) and its first history line. With an email address, the
 * acknowledgement leaves at once through the outbox (same transaction) and the complaint is
 * acknowledged; without one, an agent acknowledges it by phone, letter or at the counter.
 */
export async function createComplaint(trx: Tx, input: NewComplaint): Promise<{ id: string; reference: string }> {
  const calendar = await loadTenantCalendar(trx, input.tenant.id);
  const days = await complaintAnswerDays(trx, input.tenant.id);
  const ackDay = acknowledgementDay(input.now, calendar);
  const dueOn = answerDueOn(input.now, days, calendar);
  const year = Number(input.now.toISOString().slice(0, 4));
  let created: { id: string; reference: string } | undefined;
  for (let attempt = 0; attempt < 5 && !created; attempt++) {
    created = await trx
      .insertInto('complaints')
      .values({
        tenant_id: input.tenant.id,
        reference: generateReference(COMPLAINT_PREFIX, year),
        request_id: input.requestId,
        service_id: input.serviceId,
        channel: input.channel,
        subject: input.subject,
        description: input.description,
        citizen_name: input.citizenName,
        citizen_email: input.citizenEmail,
        citizen_phone: input.citizenPhone,
        received_at: input.now,
        // The end of the acknowledgement day, in the commune's time zone.
        acknowledge_by: sql<Date>`((${ackDay}::date + 1)::timestamp at time zone 'Europe/Paris')`,
        answer_due_on: dueOn,
        created_by: input.agentId,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'reference']).doNothing())
      .returning(['id', 'reference'])
      .executeTakeFirst();
  }
  if (!created) throw new Error('No free complaint reference after 5 draws');
  await addComplaintEvent(trx, {
    tenantId: input.tenant.id,
    complaintId: created.id,
    kind: 'created',
    agentId: input.agentId,
    at: input.now,
  });
  if (input.citizenEmail) {
    await queueMail(
      trx,
      input.tenant.id,
      acknowledgementMail({
        tenant: input.tenant,
        to: input.citizenEmail,
        name: input.citizenName,
        reference: created.reference,
        subject: input.subject,
        requestId: input.requestId,
        dueOn,
        days,
      }),
    );
    await markAcknowledged(trx, {
      tenantId: input.tenant.id,
      complaintId: created.id,
      how: 'courriel',
      note: 'Accusé de réception envoyé par courriel.',
      agentId: null,
      now: input.now,
    });
  }
  return created;
}

/** Records the acknowledgement (the mail queued, or a call, a letter, a visit) in the complaint and its history. */
export async function markAcknowledged(
  trx: Tx,
  input: { tenantId: string; complaintId: string; how: string; note: string; agentId: string | null; now: Date },
): Promise<boolean> {
  const updated = await trx
    .updateTable('complaints')
    .set({ acknowledged_at: input.now, acknowledged_how: input.how, status: 'en_cours' })
    .where('id', '=', input.complaintId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await addComplaintEvent(trx, {
    tenantId: input.tenantId,
    complaintId: input.complaintId,
    kind: 'acknowledged',
    body: input.note,
    agentId: input.agentId,
    at: input.now,
  });
  return true;
}
