import type { Feature } from '../feature.js';
import { usersMeRoutes } from './users-me.routes.js';
import { createUsersMeService } from './users-me.service.js';
import { usersRoutes } from './users.routes.js';
import { createUsersService } from './users.service.js';

export const usersFeature: Feature = {
  name: 'users',
  routes:
    ({ database, mail, events }) =>
    async (app) => {
      await app.register(usersRoutes(createUsersService(database.db, mail, events)));
      await app.register(usersMeRoutes(createUsersMeService(database.db, mail)));
    },
};
