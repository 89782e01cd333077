import { createApp } from '../../app.ts';
import { registerRequestRoutes } from '../requests/routes.ts';
export const x = [createApp, registerRequestRoutes];
