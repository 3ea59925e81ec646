import type { Feature } from '../feature.js';
import { rolesRoutes } from './roles.routes.js';
import { createRolesService } from './roles.service.js';

export const rolesFeature: Feature = {
  name: 'roles',
  routes: ({ database }) => rolesRoutes(createRolesService(database.db)),
};
