import { itemReplyAddress } from '../inbound-mail/inbound-address.ts';
import { formatCharactersFr } from '../../platform/format.ts';
import type { RequestStatus, TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { buildStatusNotification } from './status-notification.ts';
import { AGENT_STATUS_LABELS as STATUS_LABELS } from './status.ts';
import { openTrackingSecret } from './tracking-seal.ts';
import { staleRevision } from './revision.ts';
import { applyDeadlineClock } from './deadline-clock.ts';
import { queueSmsNotice, queueSurveySms, smsContactOf } from './sms-notice.ts';
import { inviteToSurvey } from '../satisfaction/invite-to-survey.ts';

export const MESSAGE_MAX_LENGTH = 5000;

/** Where a request may go from each status; traitee and refusee are final. */
export const TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  recue: ['en_cours', 'en_attente_usager', 'traitee', 'refusee'],
  en_cours: ['en_attente_usager', 'traitee', 'refusee'],
  en_attente_usager: ['en_cours', 'traitee', 'refusee'],
  traitee: [],
  refusee: [],
};

const FINAL: readonly RequestStatus[] = ['traitee', 'refusee'];

/** The citizen must be told why a request is refused and what is expected of them. */
export const MESSAGE_REQUIRED: readonly RequestStatus[] = ['refusee', 'en_attente_usager'];

export function isRequestStatus(value: string): value is RequestStatus {
  return Object.hasOwn(STATUS_LABELS, value);
}

export interface ChangeRequestStatusInput {
  tenant: { id: string; name: string; kind?: string; contact: TenantContact };
  requestId: string;
  agentId: string;
  to: string;
  message: string;
  /** The revision of the page the form came from (null: not sent): a change on an item changed since is refused. */
  revision: number | null;
  /** The tenant's public address, for the tracking link in the mail. */
  baseUrl: string;
  /** SESSION_SECRET, to unseal the tracking code for the mail's direct link (requests/tracking-seal.ts). */
  sessionSecret: string;
  /** The tenant's inbound address: the citizen's answer by mail comes back onto the item (plus-addressing). */
  inboundAddress: string;
  /** SURVEY_LINK_DAYS: closing a request invites the citizen to the satisfaction survey. */
  surveyLinkDays: number;
  now: Date;
}

/**
 * Moves a request to a new status, records it in the timeline (visible to the citizen) and
 * queues the mail that tells the applicant, all in the caller's transaction. The caller kicks
 * the mail worker after commit. A change the rules refuse (a closed request, a transition that
 * does not exist, a refusal without a message) comes back as field errors, nothing stored.
 */
export async function changeRequestStatus(
  trx: Tx,
  input: ChangeRequestStatusInput,
): Promise<FormResult<{ from: RequestStatus; to: RequestStatus }>> {
  const message = input.message.replace(/\r\n/g, '\n').trim();
  const refused = (field: string, text: string) => ({ ok: false as const, errors: [{ field, message: text }] });
  if (!isRequestStatus(input.to)) return refused('statut', 'Choisissez le nouveau statut.');
  const to = input.to;
  // Locked: two agents changing the same request at once are applied one after the other.
  const request = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select([
      'r.id',
      'r.reference',
      'r.status',
      'r.revision',
      'r.applicant_email',
      'r.applicant_name',
      'r.tracking_secret_sealed',
      'r.service_id',
      'r.demarche_id',
      'r.channel',
      'r.anonymised_at',
      'd.title as demarche_title',
    ])
    .where('r.id', '=', input.requestId)
    .forUpdate('r')
    .executeTakeFirst();
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  const from = request.status;
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('statut')] };
  }
  if (!TRANSITIONS[from].includes(to)) {
    return refused(
      'statut',
      FINAL.includes(from)
        ? `Cette demande est close (${STATUS_LABELS[from].toLowerCase()}) : son statut ne peut plus changer.`
        : `Une demande « ${STATUS_LABELS[from]} » ne peut pas passer au statut « ${STATUS_LABELS[to]} ».`,
    );
  }
  if (MESSAGE_REQUIRED.includes(to) && message === '') {
    return refused(
      'message',
      to === 'refusee'
        ? 'Écrivez à l’usager pourquoi la demande est refusée.'
        : 'Écrivez à l’usager ce que vous attendez de lui.',
    );
  }
  if (message.length > MESSAGE_MAX_LENGTH) {
    return refused('message', `Le message est trop long : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`);
  }

  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenant.id,
      request_id: request.id,
      kind: 'status_changed',
      status_from: from,
      status_to: to,
      body: message,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: true,
    })
    .execute();
  await trx
    .updateTable('requests')
    .set({ status: to, updated_at: input.now, closed_at: FINAL.includes(to) ? input.now : null })
    .where('id', '=', request.id)
    .execute();
  await applyDeadlineClock(trx, {
    tenantId: input.tenant.id,
    requestId: request.id,
    from,
    to,
    now: input.now,
    channel: 'web',
  });
  const trackingSecret = openTrackingSecret(
    input.sessionSecret,
    { tenantId: input.tenant.id, reference: request.reference },
    request.tracking_secret_sealed,
  );
  // Closed: the satisfaction survey's link goes with the news (one per request, never twice).
  const survey =
    FINAL.includes(to) && !request.anonymised_at
      ? await inviteToSurvey(trx, {
          tenantId: input.tenant.id,
          sessionSecret: input.sessionSecret,
          baseUrl: input.baseUrl,
          linkDays: input.surveyLinkDays,
          now: input.now,
          interaction: 'request',
          channel: request.channel,
          requestId: request.id,
          serviceId: request.service_id,
          demarcheId: request.demarche_id,
        })
      : null;
  if (request.applicant_email) {
    await queueMail(trx, input.tenant.id, {
      replyTo: itemReplyAddress(input.inboundAddress, input.sessionSecret, {
        tenantId: input.tenant.id,
        reference: request.reference,
      }),
      ...buildStatusNotification({
        to: request.applicant_email,
        requestId: request.id,
        reference: request.reference,
        demarcheTitle: request.demarche_title,
        applicantName: request.applicant_name,
        status: to,
        message,
        tenant: input.tenant,
        baseUrl: input.baseUrl,
        trackingSecret,
        surveyUrl: survey?.url ?? null,
      }),
    });
  }
  // A citizen who chose SMS gets a short notice too (no content: the link says the rest).
  const sms = await smsContactOf(trx, request.id);
  if (sms.chosen && sms.mobile) {
    await queueSmsNotice(trx, {
      tenantId: input.tenant.id,
      tenant: input.tenant,
      requestId: request.id,
      reference: request.reference,
      mobile: sms.mobile,
      purpose: 'status',
      baseUrl: input.baseUrl,
      trackingSecret,
    });
    // No mail address: the survey's link goes by text message.
    if (survey && !request.applicant_email) {
      await queueSurveySms(trx, {
        tenantId: input.tenant.id,
        tenant: input.tenant,
        requestId: request.id,
        reference: request.reference,
        mobile: sms.mobile,
        url: survey.url,
      });
    }
  }
  return { ok: true, value: { from, to } };
}
