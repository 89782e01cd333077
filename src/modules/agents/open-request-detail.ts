import type { Tx } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import { can } from '../authorization.ts';
import { logPersonalDataAccess } from '../privacy/access-log.ts';
import { listTags, tagsOfRequests } from '../inbox/repository.ts';
import { listRequestConsents } from '../privacy/consents.ts';
import { listAssignableAgents } from '../requests/assign-request.ts';
import { requestResource } from '../requests/policy.ts';
import { agentActor } from './policy.ts';
import {
  findDocument,
  findFailedAddress,
  findRequestByReference,
  listDocuments,
  listEvents,
  listRecentReaders,
} from './repository.ts';
import { listServices } from './repository.ts';
import { authorisedRequest } from './request-access.ts';
import type { SessionAgent } from './sessions.ts';

/** Another agent who opened the item within this time is shown as having it open. */
export const PRESENCE_WINDOW_MS = 15 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A request as an agent opens it: its documents, timeline and consents, and what the agent may
 * do on it. The opening is written to the access log (the citizen sees who read their data).
 * Throws request_not_found for an unknown request or one the agent may not see.
 */
export async function openRequestDetail(
  trx: Tx,
  input: { tenantId: string; agent: SessionAgent; reference: string; ip: string; now: Date },
) {
  const row = authorisedRequest(
    input.tenantId,
    input.agent,
    'view',
    await findRequestByReference(trx, input.reference),
  );
  await logPersonalDataAccess(trx, {
    tenantId: input.tenantId,
    actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
    action: 'view_request',
    requestId: row.id,
    ip: input.ip,
    now: input.now,
  });
  // Read before this agent's own opening is written, which the list leaves out anyway.
  const presence = await listRecentReaders(
    trx,
    row.id,
    input.agent.id,
    new Date(input.now.getTime() - PRESENCE_WINDOW_MS),
  );
  // Opened: what the citizen wrote until now is read by this agent.
  await trx
    .insertInto('request_reads')
    .values({ tenant_id: input.tenantId, request_id: row.id, agent_id: input.agent.id, read_at: input.now })
    .onConflict((oc) => oc.columns(['tenant_id', 'request_id', 'agent_id']).doUpdateSet({ read_at: input.now }))
    .execute();
  const actor = agentActor(input.tenantId, input.agent);
  const resource = requestResource(input.tenantId, row);
  const canAssign = can(actor, 'assign', resource);
  // One connection per transaction: the queries run one after the other.
  const documents = await listDocuments(trx, row.id);
  const events = await listEvents(trx, row.id);
  const consents = await listRequestConsents(trx, row.id);
  const failedAddress = row.applicant_email ? await findFailedAddress(trx, row.applicant_email) : undefined;
  const assignable = canAssign ? await listAssignableAgents(trx, row.service_id, parisDay(input.now)) : [];
  const canTransfer = can(actor, 'transfer', resource);
  const canTag = can(actor, 'tag_request', resource);
  const tags = (await tagsOfRequests(trx, [row.id])).get(row.id) ?? [];
  const knownTags = canTag ? await listTags(trx) : [];
  // Any other service of the commune may receive it.
  const transferTargets = canTransfer ? (await listServices(trx, null)).filter((s) => s.id !== row.service_id) : [];
  return {
    request: row,
    documents,
    events,
    consents,
    failedAddress,
    assignable,
    presence,
    canChangeStatus: can(actor, 'change_status', resource),
    canAddNote: can(actor, 'add_note', resource),
    canReply: can(actor, 'reply', resource),
    canTake: can(actor, 'take', resource),
    canAssign,
    canTransfer,
    canEscalate: can(actor, 'escalate', resource),
    canChangePerson: can(actor, 'change_person', resource),
    transferTargets,
    canTag,
    tags,
    knownTags,
  };
}

/**
 * A citizen's document attached to a request the agent may see, logged as a download; undefined
 * for an unknown document. Throws request_not_found as above.
 */
export async function openRequestDocument(
  trx: Tx,
  input: { tenantId: string; agent: SessionAgent; reference: string; documentId: string; ip: string; now: Date },
) {
  const row = authorisedRequest(
    input.tenantId,
    input.agent,
    'download_document',
    await findRequestByReference(trx, input.reference),
  );
  // An id that is no UUID is an unknown document, once the request itself is checked.
  const found = UUID.test(input.documentId) ? await findDocument(trx, row.id, input.documentId) : undefined;
  if (found) {
    await logPersonalDataAccess(trx, {
      tenantId: input.tenantId,
      actor: { kind: 'agent', id: input.agent.id, label: input.agent.name },
      action: 'download_document',
      requestId: row.id,
      ip: input.ip,
      now: input.now,
    });
  }
  return found;
}
