import type { Logger } from 'pino';
import type { Db, Tx } from '../../db/tenant-scope.ts';
import { inTenant, withTenantConnection } from '../../db/tenant-scope.ts';
import { formatPhoneFr } from '../format.ts';
import { enqueueJob, type JobQueue } from '../jobs/queue.ts';
import { SmsDeliveryError, type SmsProvider } from './provider.ts';
import { assertSmsFits, toGsmFriendly } from './segments.ts';

/**
 * Text messages about an item, through the job queue (decision 20): `queueSms` writes the message
 * and its job in the caller's transaction (no text for a change that rolled back, none lost to a
 * crash after commit); the `sms.send` job hands it to the provider outside any transaction,
 * retried with backoff on a temporary failure and kept as failed (the administrators' failed
 * jobs page) after its last attempt. What happened is on the item's timeline for its agents.
 */

export const SMS_QUEUE = 'sms.send';
/** Tries before a message is failed for good: about a day with the queue's backoff. */
const SMS_MAX_ATTEMPTS = 8;

export interface SmsRequest {
  /** The item it is about; null for an appointment's message (`appointmentId`). */
  requestId: string | null;
  appointmentId?: string;
  /** Past it, the message is not sent any more (status 'expired'): an appointment's reminder. */
  notAfter?: Date;
  /** E.164 (platform/sms/phone.ts). */
  to: string;
  text: string;
  purpose: 'reply' | 'status' | 'appointment' | 'survey';
}

/** Queues a text in the caller's transaction; returns its id. Throws if the text does not fit. */
export async function queueSms(trx: Tx, tenantId: string, sms: SmsRequest): Promise<string> {
  const text = toGsmFriendly(sms.text.trim());
  const { encoding, segments } = assertSmsFits(text);
  const row = await trx
    .insertInto('sms_messages')
    .values({
      tenant_id: tenantId,
      request_id: sms.requestId,
      to_number: sms.to,
      text_body: text,
      encoding,
      segments,
      purpose: sms.purpose,
      appointment_id: sms.appointmentId ?? null,
      not_after: sms.notAfter ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueJob(trx, tenantId, {
    queue: SMS_QUEUE,
    payload: { smsId: row.id },
    uniqueKey: row.id,
    maxAttempts: SMS_MAX_ATTEMPTS,
  });
  return row.id;
}

/** Registers the `sms.send` handler on this process's queue. */
export function registerSmsJobs(
  queue: JobQueue,
  deps: { db: Db; provider: SmsProvider; sender: string; logger: Logger },
): void {
  queue.register<{ smsId?: unknown }>({
    queue: SMS_QUEUE,
    run: async (job) => {
      const smsId = typeof job.payload?.smsId === 'string' ? job.payload.smsId : null;
      if (!job.tenantId || !smsId) throw new SmsDeliveryError('tâche SMS sans message', true);
      await sendQueuedSms(deps, job.tenantId, smsId, { attempt: job.attempt, last: job.attempt >= job.maxAttempts });
    },
  });
}

/**
 * Sends one queued message unless it already went (a job run twice), and records the outcome:
 * sent (with the provider's id, and an `sms_sent` event for the agents), or a failure. A
 * temporary failure is rethrown for the queue to retry; a permanent one, or the last attempt,
 * leaves the message failed and an internal note on the item saying so.
 */
export async function sendQueuedSms(
  deps: { db: Db; provider: SmsProvider; sender: string; logger: Logger },
  tenantId: string,
  smsId: string,
  run: { attempt: number; last: boolean },
): Promise<void> {
  const sms = await withTenantConnection(deps.db, tenantId, (conn) =>
    conn
      .selectFrom('sms_messages')
      .select(['id', 'request_id', 'to_number', 'text_body', 'status', 'not_after'])
      .where('id', '=', smsId)
      .executeTakeFirst(),
  );
  // Sent already (a job run twice): done. A failed one is sent again when an administrator relaunches its job.
  if (!sms || sms.status === 'sent' || sms.status === 'expired') return;
  // Too late to be of use (a reminder after its appointment started): never sent.
  if (sms.not_after && sms.not_after.getTime() <= Date.now()) {
    await withTenantConnection(deps.db, tenantId, (conn) =>
      conn
        .updateTable('sms_messages')
        .set({ status: 'expired', attempts: run.attempt, last_error: 'not sent: too late (not_after)' })
        .where('id', '=', sms.id)
        .where('status', '=', 'pending')
        .execute(),
    );
    return;
  }
  let outcome: { providerId: string } | SmsDeliveryError;
  try {
    outcome = await deps.provider.send({ to: sms.to_number, from: deps.sender, text: sms.text_body });
  } catch (err) {
    outcome = err instanceof SmsDeliveryError ? err : new SmsDeliveryError('échec inattendu du fournisseur SMS', false);
  }
  const number = formatPhoneFr(sms.to_number);
  if (!(outcome instanceof SmsDeliveryError)) {
    const providerId = outcome.providerId;
    await inTenant(deps.db, tenantId, async (trx) => {
      await trx
        .updateTable('sms_messages')
        .set({
          status: 'sent',
          provider: deps.provider.name,
          provider_message_id: providerId,
          sent_at: new Date(),
          attempts: run.attempt,
          last_error: null,
        })
        .where('id', '=', sms.id)
        .execute();
      await agentsTimelineEvent(
        trx,
        tenantId,
        sms.request_id,
        'sms_sent',
        `SMS envoyé au ${number} : « ${sms.text_body} »`,
      );
    });
    deps.logger.info({ smsId: sms.id, provider: deps.provider.name }, 'text message sent');
    return;
  }
  const failedForGood = outcome.permanent || run.last;
  await inTenant(deps.db, tenantId, async (trx) => {
    await trx
      .updateTable('sms_messages')
      .set({
        status: failedForGood ? 'failed' : 'pending',
        attempts: run.attempt,
        last_error: outcome.message.slice(0, 500),
      })
      .where('id', '=', sms.id)
      .execute();
    if (failedForGood) {
      await agentsTimelineEvent(
        trx,
        tenantId,
        sms.request_id,
        'internal_note',
        `Le SMS au ${number} n’a pas pu être envoyé (${outcome.message}). Prévenez l’usager autrement si besoin.`,
      );
    }
  });
  deps.logger.warn(
    { smsId: sms.id, provider: deps.provider.name, permanent: outcome.permanent, err: outcome.message },
    'text message not sent',
  );
  // A temporary failure goes back to the queue: retried, or failed for good on the administrators'
  // page after the last attempt. A permanent one is recorded and done: sending again cannot help.
  if (!outcome.permanent) throw outcome;
}

/** An event of the item's timeline that only its agents see, written by Guichet itself. */
async function agentsTimelineEvent(
  trx: Tx,
  tenantId: string,
  requestId: string | null,
  kind: 'sms_sent' | 'internal_note',
  body: string,
): Promise<void> {
  if (!requestId) return;
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: tenantId,
      request_id: requestId,
      kind,
      body,
      author_kind: 'system',
      author_agent_id: null,
      visible_to_citizen: false,
      status_from: null,
      status_to: null,
    })
    .execute();
}
