import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTenant } from '../../db/tenant-scope.ts';
import { AppError } from '../../platform/errors.ts';
import { url } from '../../platform/web/layout.ts';
import { queryParam, sendHtml } from '../../platform/web/reply.ts';
import { pageContext, requireTenant } from '../../platform/web/request-context.ts';
import type { Services } from '../../services.ts';
import { agentActor } from '../agents/policy.ts';
import { requireAgent } from '../agents/require-agent.ts';
import type { SessionAgent } from '../agents/sessions.ts';
import { can } from '../authorization.ts';
import { abandonJob } from './abandon-job.ts';
import { listFailedJobs } from './list-failed-jobs.ts';
import { retryJob } from './retry-job.ts';
import { failedJobsPage } from './views/failed-jobs-page.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const NOTICES: Record<string, string> = {
  relancee: 'La tâche est relancée : elle va être refaite dans un instant.',
  abandonnee: 'La tâche est abandonnée : elle ne sera pas refaite.',
};

async function requireJobManager(request: FastifyRequest, services: Services): Promise<SessionAgent> {
  const agent = await requireAgent(request, services);
  const tenantId = request.tenant?.id ?? '';
  if (!can(agentActor(tenantId, agent), 'manage_jobs', { kind: 'tenant', tenantId }))
    throw new AppError('forbidden', 'Cette page est réservée aux administrateurs de la collectivité.');
  return agent;
}

function jobId(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  if (!UUID.test(id)) throw new AppError('not_found', 'Cette tâche n’existe pas ou n’est plus en échec.');
  return id;
}

/**
 * The administrators' dead letter: the tenant's background jobs that failed for good, to relaunch
 * or abandon. Registered inside the agents' scope (its login redirects and no-store header).
 */
export function registerJobAdminRoutes(scope: FastifyInstance, services: Services): void {
  scope.get('/agent/admin/taches', async (request, reply) => {
    const agent = await requireJobManager(request, services);
    const tenant = requireTenant(request);
    const failed = await inTenant(services.db, tenant.id, (trx) => listFailedJobs(trx));
    const done = queryParam(request, 'fait');
    return sendHtml(
      reply,
      failedJobsPage(
        { ...pageContext(request), agent: { name: agent.name } },
        { ...failed, notice: done ? NOTICES[done] : undefined },
      ),
    );
  });

  scope.post('/agent/admin/taches/:id/relancer', async (request, reply) => {
    await requireJobManager(request, services);
    const tenant = requireTenant(request);
    const id = jobId(request);
    await inTenant(services.db, tenant.id, (trx) => retryJob(trx, id));
    return reply.redirect(url(request, '/agent/admin/taches?fait=relancee'), 303);
  });

  scope.post('/agent/admin/taches/:id/abandonner', async (request, reply) => {
    await requireJobManager(request, services);
    const tenant = requireTenant(request);
    const id = jobId(request);
    await inTenant(services.db, tenant.id, (trx) => abandonJob(trx, id));
    return reply.redirect(url(request, '/agent/admin/taches?fait=abandonnee'), 303);
  });
}
