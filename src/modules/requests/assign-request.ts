import type { Tx } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { FormResult } from '../../platform/web/form.ts';
import { staleRevision } from './revision.ts';

/**
 * The agents an item of a service may be given to: active, and of that service (or administrators),
 * with the last day of their absence when they are away on `today` ('YYYY-MM-DD').
 */
export async function listAssignableAgents(trx: Tx, serviceId: string, today: string | null = null) {
  return trx
    .selectFrom('agents as a')
    .select((eb) => [
      'a.id',
      'a.display_name',
      eb
        .selectFrom('agent_absences as ab')
        .select((e) => e.fn.max('ab.ends_on').as('until'))
        .whereRef('ab.agent_id', '=', 'a.id')
        .where('ab.starts_on', '<=', today ?? '-infinity')
        .where('ab.ends_on', '>=', today ?? 'infinity')
        .as('absent_until'),
    ])
    .where('a.active', '=', true)
    .where((eb) =>
      eb.or([
        eb('a.role', '=', 'admin'),
        eb.exists(
          eb
            .selectFrom('agent_services as x')
            .select('x.agent_id')
            .whereRef('x.agent_id', '=', 'a.id')
            .where('x.service_id', '=', serviceId),
        ),
      ]),
    )
    .orderBy('a.display_name')
    .execute();
}

/**
 * Gives an item to an agent (« prendre en charge » when the agent takes it, an assignment by a
 * supervisor otherwise) or puts it back in the service's queue (`assigneeId` null). Recorded on
 * the timeline, for agents only. Refused when the item changed since the page was opened, or
 * when the chosen agent cannot work on this service.
 */
export async function assignRequest(
  trx: Tx,
  input: {
    tenantId: string;
    requestId: string;
    /** Who does it. */
    agentId: string;
    agentName: string;
    assigneeId: string | null;
    revision: number | null;
    /** A supervisor of the service or an administrator: taking or giving the item ends its escalation. */
    byLead?: boolean;
  },
): Promise<FormResult<{ assigneeName: string | null }>> {
  const request = await trx
    .selectFrom('requests')
    .select(['id', 'service_id', 'revision', 'assigned_agent_id', 'escalated_at'])
    .where('id', '=', input.requestId)
    .forUpdate()
    .executeTakeFirst();
  if (!request) throw new AppError('request_not_found', 'Cette demande est introuvable.');
  if (input.revision !== null && request.revision !== input.revision) {
    return { ok: false, errors: [staleRevision('agent')] };
  }
  const endsEscalation = input.byLead === true && input.assigneeId !== null && request.escalated_at !== null;
  if (request.assigned_agent_id === input.assigneeId && !endsEscalation) {
    return { ok: true, value: { assigneeName: null } };
  }
  let assigneeName: string | null = null;
  if (input.assigneeId !== null) {
    const assignable = await listAssignableAgents(trx, request.service_id);
    const assignee = assignable.find((a) => a.id === input.assigneeId);
    if (!assignee) {
      return {
        ok: false,
        errors: [{ field: 'agent', message: 'Choisissez un agent actif du service de cette demande.' }],
      };
    }
    assigneeName = assignee.display_name;
  }
  const body =
    input.assigneeId === null
      ? `Remise dans la file du service par ${input.agentName}.`
      : input.assigneeId === input.agentId
        ? `Prise en charge par ${input.agentName}.`
        : `Confiée à ${assigneeName} par ${input.agentName}.`;
  const fullBody = endsEscalation ? `${body} Fin de l’escalade.` : body;
  await trx
    .updateTable('requests')
    .set(
      endsEscalation
        ? { assigned_agent_id: input.assigneeId, escalated_at: null }
        : { assigned_agent_id: input.assigneeId },
    )
    .where('id', '=', request.id)
    .execute();
  // The event bumps the revision (trigger): a colleague's form opened before is now stale.
  await trx
    .insertInto('request_events')
    .values({
      tenant_id: input.tenantId,
      request_id: request.id,
      kind: 'assigned',
      body: fullBody,
      author_kind: 'agent',
      author_agent_id: input.agentId,
      visible_to_citizen: false,
    })
    .execute();
  return { ok: true, value: { assigneeName } };
}
