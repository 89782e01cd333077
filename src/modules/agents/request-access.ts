import { AppError } from '../../platform/errors.ts';
import { can } from '../authorization.ts';
import { requestResource, type RequestAction } from '../requests/policy.ts';
import { agentActor } from './policy.ts';
import type { RequestDetailRow } from './repository.ts';
import type { SessionAgent } from './sessions.ts';

/** Unknown and forbidden requests get the same answer, so references cannot be probed. */
export function requestNotFound(): AppError {
  return new AppError('request_not_found', "Cette demande n'existe pas ou vous n'y avez pas accès.");
}

/** A request the agent may act on, or the not-found error. */
export function authorisedRequest(
  tenantId: string,
  agent: SessionAgent,
  action: RequestAction | 'tag_request',
  row: RequestDetailRow | undefined,
): RequestDetailRow {
  if (!row || !can(agentActor(tenantId, agent), action, requestResource(tenantId, row))) throw requestNotFound();
  return row;
}
