import { inTenant } from '../../db/tenant-scope.ts';
import type { SafeHtml } from '../../platform/html.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { complaintsOfRequest } from './repository.ts';
import { requestComplaintsPanel } from './views/request-panel.ts';

/**
 * The request page's « Réclamations » block, rendered: the one entry point the agents' request
 * page calls (its own short transaction, after the page's).
 */
export async function requestComplaints(
  services: Services,
  ctx: PageContext,
  input: { tenantId: string; agent: SessionAgent; request: { id: string; reference: string } },
): Promise<SafeHtml> {
  const complaints = await inTenant(services.db, input.tenantId, (trx) => complaintsOfRequest(trx, input.request.id));
  return requestComplaintsPanel(ctx, {
    reference: input.request.reference,
    complaints,
    canCreate: can(agentActor(input.tenantId, input.agent), 'create_complaint', {
      kind: 'tenant',
      tenantId: input.tenantId,
    }),
    now: services.clock.now(),
  });
}
