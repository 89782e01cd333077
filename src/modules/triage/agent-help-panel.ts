import type { Services } from '../../services.ts';
import type { SafeHtml } from '../../platform/html.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import type { EventRow, RequestDetailRow } from '../agents/repository.ts';
import { openAgentHelp } from './open-agent-help.ts';
import { helpPanel } from './views/help-panel.ts';

/**
 * The request page's « Aide à la réponse », rendered: the one entry point the agents' request
 * page calls.
 */
export async function agentHelpPanel(
  services: Services,
  ctx: PageContext,
  tenantId: string,
  detail: { request: RequestDetailRow; events: EventRow[]; canTransfer: boolean },
): Promise<SafeHtml> {
  const r = detail.request;
  const help = await openAgentHelp(services, tenantId, {
    reference: r.reference,
    serviceId: r.service_id,
    demarcheForm: r.demarche_form,
    data: r.data as Record<string, unknown>,
    events: detail.events,
  });
  return helpPanel(ctx, { reference: r.reference, revision: r.revision, canTransfer: detail.canTransfer, help });
}
