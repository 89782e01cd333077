import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.ts';

export function registerAgentRoutes(_app: FastifyInstance, _services: Services): void {}
