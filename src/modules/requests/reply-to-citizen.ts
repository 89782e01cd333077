import { analyseReadability, readabilitySummary } from '../../platform/plain-language/readability.ts';
import { itemReplyAddress } from '../inbound-mail/inbound-address.ts';
import type { TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatCharactersFr } from '../../platform/format.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FieldError, FormResult } from '../../platform/web/form.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import { serviceSignature } from '../replies/repository.ts';
import { withSignature } from '../replies/signature.ts';
import { MESSAGE_MAX_LENGTH } from './change-request-status.ts';
import { checkUploadedFile, storedFilename } from './file-check.ts';
import { buildReplyNotification, threadSubject, type ReplyAttachments } from './reply-notification.ts';
import { insertDocument } from './repository.ts';
import { staleRevision } from './revision.ts';
import { queueSmsNotice, smsContactOf } from './sms-notice.ts';
import { openTrackingSecret } from './tracking-seal.ts';

/** The form field of the reply's files. */
export const REPLY_FILES_FIELD = 'pieces';

export interface ReplyToCitizenInput {
  tenant: { id: string; name: string; kind?: string; contact: TenantContact };
  requestId: string;
  agentId: string;
  message: string;
  /** Files the agent attaches (checked here like a citizen's uploads). */
  files?: UploadedFile[];
  /** « Prévenir aussi par SMS » ticked (a citizen who chose SMS is texted anyway). */
  sms?: boolean;
  /** The item's revision when the agent opened it: a reply to an item changed since is refused. */
  revision: number | null;
  baseUrl: string;
  sessionSecret: string;
  /** The tenant's inbound address: the citizen's answer by mail comes back onto the item (plus-addressing). */
  inboundAddress: string;
  /** MAIL_ATTACHMENTS_MAX_BYTES: the files go with the mail up to this total, else a link. */
  mailAttachmentsMaxBytes: number;
}

/**
 * An agent answers the citizen without changing the status: the message goes on the timeline
 * (the citizen sees it on the tracking page and in their space) with the files attached to it,
 * and by mail when the citizen gave an address, ended by the service's signature
 * (replies/signature.ts), the files attached up to a total size (a link beyond). An item that
 * came by email is answered in its thread (« Re: <their subject> [REF] »; the headers are the
 * outbox's). A short SMS goes too when the citizen chose SMS or the agent asked for one.
 * Refused, with nothing written, when the item changed since the agent opened it or a file is
 * refused.
 */
export async function replyToCitizen(trx: Tx, input: ReplyToCitizenInput): Promise<FormResult<{ sms: boolean }>> {
  const message = input.message.replace(/\r\n/g, '\n').trim();
  if (message === '')
    return { ok: false, errors: [{ field: 'reponse', message: 'Écrivez votre réponse à l’usager.' }] };
  if (message.length > MESSAGE_MAX_LENGTH) {
    const tooLong = `La réponse est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`;
    return { ok: false, errors: [{ field: 'reponse', message: tooLong }] };
  }
  const files: { filename: string; mimeType: string; content: Buffer }[] = [];
  const fileErrors: FieldError[] = [];
  for (const file of input.files ?? []) {
    const check = await checkUploadedFile(file);
    if (!check.ok) fileErrors.push({ field: REPLY_FILES_FIELD, message: check.message });
    else
      files.push({
        filename: storedFilename(file.filename, check.mimeType),
        mimeType: check.mimeType,
        content: file.data,
      });
  }
  if (fileErrors.length > 0) return { ok: false, errors: fileErrors };
  // Locked: a citizen's message or a colleague's reply arriving now waits for this one.
  const request = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select([
      'r.id',
      'r.reference',
      'r.revision',
      'r.closed_at',
      'r.channel',
      'r.data',
      'r.applicant_email',
      'r.applicant_name',
      'r.tracking_secret_sealed',
      'r.service_id',
      'd.title as demarche_title',
    ])
    .where('r.id', '=', input.requestId)
    .forUpdate('r')
    .executeTakeFirst();
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('reponse')] };
  }
  // The service's signature ends the reply, the same on the timeline and in the mail.
  const signed = withSignature(message, await serviceSignature(trx, request.service_id));
  const event = await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenant.id,
      request_id: request.id,
      kind: 'agent_message',
      body: signed,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: true,
      // The agent's own words, without the signature: a summary for the statistics of plain writing.
      readability: JSON.stringify(readabilitySummary(analyseReadability(message))),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const documentIds: string[] = [];
  for (const f of files) {
    documentIds.push(
      await insertDocument(trx, {
        tenantId: input.tenant.id,
        requestId: request.id,
        eventId: event.id,
        fieldName: null,
        filename: f.filename,
        mimeType: f.mimeType,
        content: f.content,
        authorAgentId: input.agentId,
      }),
    );
  }
  const trackingSecret = openTrackingSecret(
    input.sessionSecret,
    { tenantId: input.tenant.id, reference: request.reference },
    request.tracking_secret_sealed,
  );
  if (request.applicant_email) {
    const total = files.reduce((n, f) => n + f.content.length, 0);
    const attached = files.length > 0 && total <= input.mailAttachmentsMaxBytes;
    const attachments: ReplyAttachments | undefined =
      files.length > 0 ? { filenames: files.map((f) => f.filename), attached } : undefined;
    const theirSubject = typeof request.data.objet === 'string' ? request.data.objet : '';
    const mail = buildReplyNotification({
      to: request.applicant_email,
      requestId: request.id,
      reference: request.reference,
      demarcheTitle: request.demarche_title,
      applicantName: request.applicant_name,
      message: signed,
      tenant: input.tenant,
      baseUrl: input.baseUrl,
      trackingSecret,
      ...(attachments ? { attachments } : {}),
      ...(request.channel === 'courriel' ? { subject: threadSubject(theirSubject, request.reference) } : {}),
    });
    await queueMail(trx, input.tenant.id, {
      ...mail,
      replyTo: itemReplyAddress(input.inboundAddress, input.sessionSecret, {
        tenantId: input.tenant.id,
        reference: request.reference,
      }),
      ...(attached ? { attachmentIds: documentIds } : {}),
    });
  }
  const contact = await smsContactOf(trx, request.id);
  const texted =
    contact.mobile !== null &&
    (contact.chosen || input.sms === true) &&
    (await queueSmsNotice(trx, {
      tenantId: input.tenant.id,
      tenant: input.tenant,
      requestId: request.id,
      reference: request.reference,
      mobile: contact.mobile,
      purpose: 'reply',
      baseUrl: input.baseUrl,
      trackingSecret,
    }));
  return { ok: true, value: { sms: texted } };
}
