import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { formatDateTimeFr } from '../../platform/format.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { supervisorsToNotify } from './agents-to-notify.ts';
import { staleRevision } from './revision.ts';
import { lockItemForAgentAction } from './repository.ts';
import { AGENT_REASON_MAX, agentReason } from './agent-reason.ts';

export const ESCALATION_REASON_MAX = AGENT_REASON_MAX;

/**
 * « Escalader »: an agent of the service raises an item to the service's supervisors, with the
 * reason (a citizen in distress, a decision above the agent, a deadline that cannot be kept). The
 * item is flagged (`escalated_at`, « Escaladée » in the inbox) until a supervisor takes it or
 * gives it to someone, or it is closed; the supervisors (the administrators when the service has
 * none) are mailed. On the timeline for agents only. Refused for a closed item, one already
 * escalated, and a page older than the item.
 */
export async function escalateRequest(
  trx: Tx,
  input: {
    tenantId: string;
    tenantName: string;
    requestId: string;
    agentId: string;
    agentName: string;
    reason: string;
    revision: number | null;
    /** The tenant's public address, for the link in the supervisors' mail. */
    baseUrl: string;
    now: Date;
  },
): Promise<FormResult<{ notified: number }>> {
  const checked = agentReason(input.reason, 'escalade', 'Indiquez pourquoi vous escaladez cette demande.');
  if (!checked.ok) return checked;
  const reason = checked.value;
  const request = await lockItemForAgentAction(trx, input.requestId);
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('escalade')] };
  }
  if (request.closed_at !== null) {
    return {
      ok: false,
      errors: [{ field: 'escalade', message: 'Cette demande est close : elle ne s’escalade plus.' }],
    };
  }
  if (request.escalated_at !== null) {
    return {
      ok: false,
      errors: [
        {
          field: 'escalade',
          message: `Cette demande est déjà escaladée depuis le ${formatDateTimeFr(request.escalated_at)}. Ajoutez une note interne pour compléter.`,
        },
      ],
    };
  }
  await trx.updateTable('requests').set({ escalated_at: input.now }).where('id', '=', request.id).execute();
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: request.id,
      kind: 'escalated',
      body: `Escaladée aux responsables du service ${request.service_name} par ${input.agentName}. Motif : ${reason}`,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: false,
    })
    .execute();
  const link = `${input.baseUrl}/agent/demandes/${encodeURIComponent(request.reference)}`;
  const recipients = await supervisorsToNotify(trx, request.service_id);
  for (const agent of recipients) {
    await queueMail(
      trx,
      input.tenantId,
      renderMail({
        to: agent.email,
        requestId: request.id,
        subject: `Demande ${request.reference} escaladée – service ${request.service_name}`,
        greeting: `Bonjour ${agent.display_name},`,
        blocks: [
          {
            kind: 'paragraph',
            text: `${input.agentName} vous demande de reprendre la main sur la demande ${request.reference}.`,
          },
          { kind: 'value', label: 'Démarche', value: request.demarche_title },
          { kind: 'quote', label: 'Motif :', text: reason },
          {
            kind: 'paragraph',
            text: 'Elle reste marquée « Escaladée » dans la boîte de réception jusqu’à ce qu’un responsable la prenne en charge ou la confie à quelqu’un.',
          },
          { kind: 'button', label: 'Ouvrir la demande', url: link },
        ],
        signature: `Guichet – ${input.tenantName}`,
      }),
    );
  }
  return { ok: true, value: { notified: recipients.length } };
}
