import type { FastifyInstance } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { parseForm } from '../../platform/web/form.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requestNotFound } from '../agents/request-access.ts';
import { requireAgent } from '../agents/require-agent.ts';
import { agentContext } from '../agents/route-support.ts';
import { can } from '../authorization.ts';
import { requestScope } from '../requests/policy.ts';
import { searchForm } from './forms.ts';
import { searchWorkspace } from './search-workspace.ts';
import { searchPage } from './views/search-page.ts';

/**
 * The agents' search (GET /agent/recherche?q=…): requests, their messages and citizens, within the
 * agent's services. Registered inside the agents' area (login redirect, no-store).
 */
export function registerSearchRoutes(scope: FastifyInstance, services: Services): void {
  scope.get('/agent/recherche', async (request, reply) => {
    const agent = await requireAgent(request, services);
    const tenant = requireTenant(request);
    const actor = agentActor(tenant.id, agent);
    // Search is a list of the requests the agent may see: the same rule, the same scope.
    if (!can(actor, 'list_requests', { kind: 'tenant', tenantId: tenant.id })) throw requestNotFound();
    const ctx = agentContext(request, agent);
    const typed = queryParam(request, 'q');
    const form = parseForm(searchForm, { q: typed, page: queryParam(request, 'page') || undefined });
    if (!form.ok)
      return sendHtml(reply, searchPage(ctx, { q: typed, page: 1, outcome: null, errors: form.errors }), 400);
    const { q, page } = form.value;
    const outcome = await inTenant(services.db, tenant.id, (trx) =>
      searchWorkspace(trx, { typed: q, serviceIds: requestScope(actor), page }),
    );
    return sendHtml(reply, searchPage(ctx, { q, page, outcome, errors: [] }), outcome.kind === 'too_short' ? 400 : 200);
  });
}
