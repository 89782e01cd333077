import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { queueMail } from '../../platform/mail.ts';
import { renderMail } from '../../platform/mail-template.ts';
import { agentsToNotify } from './agents-to-notify.ts';
import { assignNextAgent } from './auto-assign.ts';
import { staleRevision } from './revision.ts';
import { lockItemForAgentAction } from './repository.ts';
import { AGENT_REASON_MAX, agentReason } from './agent-reason.ts';

export const TRANSFER_REASON_MAX = AGENT_REASON_MAX;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sends an item to another service of the commune, with the reason: it leaves the hands of whoever
 * had it, keeps its due date (the citizen was promised a date), and is told by mail to the new
 * service's agents. On the timeline for agents only. A service that assigns in turn gives it to
 * its next available agent, as at intake (same `assigned` event by the system), who alone is
 * mailed; otherwise nobody has it there yet.
 */
export async function transferRequest(
  trx: Tx,
  input: {
    tenantId: string;
    requestId: string;
    agentId: string;
    agentName: string;
    serviceId: string;
    reason: string;
    revision: number | null;
    /** The tenant's public address, for the link in the new service's mail. */
    baseUrl: string;
    /** For the round-robin's day of absences and its turn. */
    now: Date;
  },
): Promise<FormResult<{ serviceName: string; assignedTo: { id: string; name: string } | null }>> {
  const checked = agentReason(input.reason, 'motif', 'Indiquez pourquoi vous transférez cette demande.');
  if (!checked.ok) return checked;
  const reason = checked.value;
  const request = await lockItemForAgentAction(trx, input.requestId);
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('service')] };
  }
  // Anything but a service id is a service that does not exist (the column is a uuid).
  const target = UUID.test(input.serviceId)
    ? await trx.selectFrom('services').select(['id', 'name']).where('id', '=', input.serviceId).executeTakeFirst()
    : undefined;
  if (!target)
    return { ok: false, errors: [{ field: 'service', message: 'Choisissez le service qui doit traiter la demande.' }] };
  if (target.id === request.service_id) {
    return {
      ok: false,
      errors: [{ field: 'service', message: 'La demande est déjà dans ce service : choisissez-en un autre.' }],
    };
  }
  await trx
    .updateTable('requests')
    .set({ service_id: target.id, assigned_agent_id: null })
    .where('id', '=', request.id)
    .execute();
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: request.id,
      kind: 'transferred',
      body: `Transférée du service ${request.service_name} au service ${target.name} par ${input.agentName}. Motif : ${reason}`,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: false,
    })
    .execute();
  const assignedTo = await assignNextAgent(trx, {
    tenantId: input.tenantId,
    requestId: request.id,
    serviceId: target.id,
    now: input.now,
  });
  const link = `${input.baseUrl}/agent/demandes/${encodeURIComponent(request.reference)}`;
  for (const agent of await agentsToNotify(trx, { serviceId: target.id, assignee: assignedTo })) {
    await queueMail(
      trx,
      input.tenantId,
      renderMail({
        to: agent.email,
        requestId: request.id,
        subject: `Demande ${request.reference} transférée à votre service`,
        greeting: `Bonjour ${agent.display_name},`,
        blocks: [
          {
            kind: 'paragraph',
            text: `${input.agentName} (service ${request.service_name}) a transféré la demande ${request.reference} au service ${target.name}.`,
          },
          { kind: 'value', label: 'Démarche', value: request.demarche_title },
          { kind: 'quote', label: 'Motif :', text: reason },
          { kind: 'button', label: 'Ouvrir la demande', url: link },
        ],
        signature: 'Guichet',
      }),
    );
  }
  return {
    ok: true,
    value: { serviceName: target.name, assignedTo: assignedTo && { id: assignedTo.id, name: assignedTo.name } },
  };
}
