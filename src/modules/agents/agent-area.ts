import type { FastifyInstance } from 'fastify';
import { url } from '../../platform/web/layout.ts';
import { AgentLoginRequired, AgentLoginStepRequired } from './require-agent.ts';

/**
 * Registers back-office routes (of any module) in a scope of their own, so that its error handler
 * only turns "login required" into a redirect to the agent login (or to the next step of a half-
 * done login); every other error goes on to the application's handler. Agent pages show personal
 * data: no shared or browser cache keeps them.
 */
export function agentArea(app: FastifyInstance, register: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    scope.setErrorHandler(async (err, request, reply) => {
      if (err instanceof AgentLoginRequired) {
        return reply.redirect(
          url({ base: request.base }, `/agent/connexion?retour=${encodeURIComponent(err.retour)}`),
          303,
        );
      }
      if (err instanceof AgentLoginStepRequired) return reply.redirect(url({ base: request.base }, err.path), 303);
      throw err;
    });
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    register(scope);
  });
}
