import type { Feature } from '../feature.js';
import { botsRoutes } from './bots.routes.js';

export const botsFeature: Feature = {
  name: 'bots',
  routes: ({ database }) => botsRoutes(database.db),
};
