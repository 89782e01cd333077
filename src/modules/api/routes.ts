import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.ts';

export async function registerApiRoutes(_app: FastifyInstance, _services: Services): Promise<void> {}
