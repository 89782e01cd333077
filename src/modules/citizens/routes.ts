import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { url } from '../../platform/web/layout.ts';
import { registerAccountRoutes } from './account-routes.ts';
import { CitizenLoginRequired } from './require-citizen.ts';
import { CITIZEN_COOKIE, currentCitizen } from './sessions.ts';
import { registerSpaceRoutes } from './space-routes.ts';

/**
 * Every citizen page: the account pages for anyone (account-routes.ts) and the citizen space
 * (space-routes.ts), in one scope that sends an anonymous visitor of the space to the login page
 * and keeps every answer out of caches.
 */
export function registerCitizenRoutes(app: FastifyInstance, services: Services): void {
  // Pages show "Mon espace" in the header to a signed-in citizen: the session is looked up once
  // per page when the cookie is there (anonymous visitors cost nothing), before the view runs.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method !== 'GET' || !request.tenant || !request.cookies[CITIZEN_COOKIE]) {
      done();
      return;
    }
    currentCitizen(request, services).then(
      () => done(),
      (err: Error) => done(err),
    );
  });

  void app.register(async (scope) => {
    scope.setErrorHandler(async (err, request, reply) => {
      if (err instanceof CitizenLoginRequired) {
        return reply.redirect(url(request, `/connexion?retour=${encodeURIComponent(err.retour)}`), 303);
      }
      throw err;
    });
    // Account pages and the space show personal data or carry one-time links: never cached.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('referrer-policy', 'no-referrer');
    });
    registerAccountRoutes(scope, services);
    registerSpaceRoutes(scope, services);
  });
}
