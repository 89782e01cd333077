import type { TenantContact } from '../../db/schema.ts';
import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatCharactersFr } from '../../platform/format.ts';
import { queueMail } from '../../platform/mail.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { serviceSignature } from '../replies/repository.ts';
import { withSignature } from '../replies/signature.ts';
import { MESSAGE_MAX_LENGTH } from './change-request-status.ts';
import { buildReplyNotification } from './reply-notification.ts';
import { staleRevision } from './revision.ts';
import { openTrackingSecret } from './tracking-seal.ts';

export interface ReplyToCitizenInput {
  tenant: { id: string; name: string; kind?: string; contact: TenantContact };
  requestId: string;
  agentId: string;
  message: string;
  /** The item's revision when the agent opened it: a reply to an item changed since is refused. */
  revision: number | null;
  baseUrl: string;
  sessionSecret: string;
}

/**
 * An agent answers the citizen without changing the status: the message goes on the timeline
 * (the citizen sees it on the tracking page and in their space) and by mail when the citizen gave
 * an address, ended by the service's signature (replies/signature.ts). Refused, with nothing
 * written, when the item changed since the agent opened it.
 */
export async function replyToCitizen(trx: Tx, input: ReplyToCitizenInput): Promise<FormResult<null>> {
  const message = input.message.replace(/\r\n/g, '\n').trim();
  if (message === '')
    return { ok: false, errors: [{ field: 'reponse', message: 'Écrivez votre réponse à l’usager.' }] };
  if (message.length > MESSAGE_MAX_LENGTH) {
    const tooLong = `La réponse est trop longue : ${formatCharactersFr(MESSAGE_MAX_LENGTH)} au maximum.`;
    return { ok: false, errors: [{ field: 'reponse', message: tooLong }] };
  }
  // Locked: a citizen's message or a colleague's reply arriving now waits for this one.
  const request = await trx
    .selectFrom('requests as r')
    .innerJoin('demarches as d', (j) => j.onRef('d.tenant_id', '=', 'r.tenant_id').onRef('d.id', '=', 'r.demarche_id'))
    .select([
      'r.id',
      'r.reference',
      'r.revision',
      'r.closed_at',
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
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenant.id,
      request_id: request.id,
      kind: 'agent_message',
      body: signed,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: true,
    })
    .execute();
  if (request.applicant_email) {
    await queueMail(
      trx,
      input.tenant.id,
      buildReplyNotification({
        to: request.applicant_email,
        requestId: request.id,
        reference: request.reference,
        demarcheTitle: request.demarche_title,
        applicantName: request.applicant_name,
        message: signed,
        tenant: input.tenant,
        baseUrl: input.baseUrl,
        trackingSecret: openTrackingSecret(
          input.sessionSecret,
          { tenantId: input.tenant.id, reference: request.reference },
          request.tracking_secret_sealed,
        ),
      }),
    );
  }
  return { ok: true, value: null };
}
