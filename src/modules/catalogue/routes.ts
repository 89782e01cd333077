import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.ts';

export function registerCatalogueRoutes(_app: FastifyInstance, _services: Services): void {}
