import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { url } from '../../platform/web/layout.ts';
import { registerAgentAdminRoutes } from './admin-routes.ts';
import { agentArea } from './agent-area.ts';
import { registerAgentLoginRoutes } from './login-routes.ts';
import { registerAgentRequestRoutes } from './request-routes.ts';
import { registerFileOnBehalfRoutes } from './file-on-behalf-routes.ts';

/**
 * Every route of the agents' area, in its scope (login redirects, no-store): getting in and out,
 * the requests, the administrators' agents page.
 */
export function registerAgentRoutes(app: FastifyInstance, services: Services): void {
  agentArea(app, (scope) => {
    scope.get('/agent', async (request, reply) => reply.redirect(url(request, '/agent/demandes'), 303));
    registerAgentLoginRoutes(scope, services);
    registerAgentRequestRoutes(scope, services);
    registerFileOnBehalfRoutes(scope, services);
    registerAgentAdminRoutes(scope, services);
  });
}
