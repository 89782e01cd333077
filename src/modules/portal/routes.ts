import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app.ts';

export function registerPortalPages(_app: FastifyInstance, _services: Services): void {}
