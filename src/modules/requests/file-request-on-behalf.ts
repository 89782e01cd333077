import type { Services } from '../../services.ts';
import { inTenant } from '../../db/tenant-scope.ts';
import type { UploadedFile } from '../../platform/web/form-body.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { CONTACT_CHANNELS, type ContactChannelChoice } from './record-contact.ts';
import type { RawAnswers } from './form-engine/validate.ts';
import { submitRequest, type SubmitRequestResult } from './submit-request.ts';

export interface FileRequestOnBehalfInput {
  agent: { id: string; name: string };
  /** How the citizen reached the town hall: the request's channel. */
  channel: ContactChannelChoice;
  demarcheSlug: string;
  answers: RawAnswers;
  files: UploadedFile[];
  baseUrl: string;
  /** The call or visit noted first, if any: the two items point at each other. */
  contact?: { requestId: string; reference: string } | null;
}

/** What the citizen reads on their timeline, and the agent sees under their own name. */
export function filedOnBehalfText(channel: ContactChannelChoice, contactReference: string | null): string {
  const how = channel === 'telephone' ? 'lors de votre appel' : 'lors de votre visite à l’accueil';
  const contact = contactReference ? ` (contact n° ${contactReference})` : '';
  return `Demande déposée pour vous par un agent de la mairie, ${how}${contact}, avec votre accord.`;
}

/**
 * An agent files a démarche for a citizen on the phone or at the counter, with their consent:
 * the same form, checks, deadline, receipt and confirmation mail as online (submitRequest), on the
 * phone or counter channel, with the agent recorded as who filed it and an event saying so on the
 * timeline the citizen reads. When it follows a noted call or visit, that item gets a note with
 * the new reference, so that either leads to the other.
 */
export async function fileRequestOnBehalf(
  services: Services,
  tenant: Tenant,
  input: FileRequestOnBehalfInput,
): Promise<SubmitRequestResult> {
  const result = await submitRequest(services, tenant, {
    demarcheSlug: input.demarcheSlug,
    answers: input.answers,
    files: input.files,
    channel: input.channel,
    baseUrl: input.baseUrl,
    filedBy: { agentId: input.agent.id, body: filedOnBehalfText(input.channel, input.contact?.reference ?? null) },
  });
  if (!result.ok || !input.contact) return result;
  const contact = input.contact;
  // After the request's commit: the note is a pointer, the request itself is already safe.
  await inTenant(services.db, tenant.id, (trx) =>
    trx
      .insertInto('request_events')
      .values({
        tenant_id: tenant.id,
        request_id: contact.requestId,
        kind: 'internal_note',
        body: `${CONTACT_CHANNELS[input.channel]} : démarche déposée pour la personne, demande ${result.request.reference}.`,
        author_kind: 'agent',
        author_agent_id: input.agent.id,
        visible_to_citizen: false,
      })
      .execute(),
  );
  return result;
}
