import type { Feature } from '../feature.js';
import { presenceRoutes } from './presence.routes.js';
import { presenceServiceOf } from './presence.service.js';

export const presenceFeature: Feature = {
  name: 'presence',
  routes: (deps) => presenceRoutes(presenceServiceOf(deps)),
};
