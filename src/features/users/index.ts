import type { Feature } from '../feature.js';
import { usersRoutes } from './users.routes.js';
import { createUsersService } from './users.service.js';

export const usersFeature: Feature = {
  name: 'users',
  routes: ({ database }) => usersRoutes(createUsersService(database.db)),
};
