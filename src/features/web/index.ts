import type { Feature } from '../feature.js';
import { webRoutes } from './web.routes.js';

export const webFeature: Feature = {
  name: 'web',
  rootRoutes: () => webRoutes(),
};
