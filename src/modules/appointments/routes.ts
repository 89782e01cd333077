import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { agentArea } from '../agents/agent-area.ts';
import { registerAppointmentAdminRoutes } from './admin-routes.ts';
import { registerAppointmentAgentRoutes } from './agent-routes.ts';
import { registerAppointmentApiRoutes } from './api-routes.ts';
import { registerAppointmentCitizenRoutes } from './citizen-routes.ts';

/** Every route of the appointments module: the portal's booking, the agents' side, the JSON API. */
export function registerAppointmentRoutes(app: FastifyInstance, services: Services): void {
  registerAppointmentApiRoutes(app, services);
  registerAppointmentCitizenRoutes(app, services);
  agentArea(app, (scope) => {
    registerAppointmentAgentRoutes(scope, services);
    registerAppointmentAdminRoutes(scope, services);
  });
}
