import type { Feature } from '../feature.js';
import { tagsRoutes } from './tags.routes.js';

export const tagsFeature: Feature = {
  name: 'tags',
  routes: ({ database }) => tagsRoutes(database.db),
};
