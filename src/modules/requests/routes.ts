import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.ts';

export function registerRequestRoutes(_app: FastifyInstance, _services: Services): void {}
