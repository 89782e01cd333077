import { inTenant } from '../../db/tenant-scope.ts';
import { parisDay } from '../../platform/format.ts';
import type { SafeHtml } from '../../platform/html.ts';
import type { PageContext } from '../../platform/web/layout.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { requestScope } from '../requests/policy.ts';
import { complaintDeadlineCounts } from './repository.ts';
import { complaintDeadlineAlert } from './views/deadline-alert.ts';

/**
 * The check the agents' inbox shows above the requests (decision 37): complaints of their
 * services waiting for their acknowledgement (due within 48 hours, two working days) or past
 * their answer date. Computed on each visit from the complaints themselves, so no job has to run
 * for it to be true; empty when there is nothing to do.
 */
export async function inboxComplaintCheck(
  services: Services,
  ctx: PageContext,
  input: { tenantId: string; agent: SessionAgent },
): Promise<SafeHtml | ''> {
  const now = services.clock.now();
  const counts = await inTenant(services.db, input.tenantId, (trx) =>
    complaintDeadlineCounts(trx, {
      serviceIds: requestScope(agentActor(input.tenantId, input.agent)),
      now,
      today: parisDay(now),
    }),
  );
  return complaintDeadlineAlert(ctx, counts);
}
