import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { url } from '../../platform/web/layout.ts';
import { AgentLoginRequired } from '../agents/require-agent.ts';
import { registerPrivacyAdminRoutes } from './admin-routes.ts';
import { registerPrivacyAgentRoutes } from './agent-routes.ts';
import { registerCitizenDataRoutes } from './citizen-routes.ts';
import { CitizenLoginRequired } from './route-support.ts';
import { registerTrackingExportRoutes } from './tracking-export-routes.ts';

/**
 * Every privacy route, by audience: the citizen's own data, the export of one request by its
 * tracking code, the agents' erasure decisions and register, the administrators' settings. They
 * share one scope that turns "login required" into redirects and keeps every answer out of caches.
 */
export function registerPrivacyRoutes(app: FastifyInstance, services: Services): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(async (err, request, reply) => {
      if (err instanceof CitizenLoginRequired) {
        return reply.redirect(url({ base: request.base }, `/connexion?retour=${encodeURIComponent(err.retour)}`), 303);
      }
      if (err instanceof AgentLoginRequired) {
        return reply.redirect(
          url({ base: request.base }, `/agent/connexion?retour=${encodeURIComponent(err.retour)}`),
          303,
        );
      }
      throw err;
    });
    // These pages and files hold personal data: no shared or browser cache keeps them.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    registerCitizenDataRoutes(scope, services);
    registerTrackingExportRoutes(scope, services);
    registerPrivacyAgentRoutes(scope, services);
    registerPrivacyAdminRoutes(scope, services);
  });
}
