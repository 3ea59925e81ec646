import type { Feature } from '../feature.js';
import { accountRoutes } from './account.routes.js';
import { createAccountService } from './account.service.js';

export const accountFeature: Feature = {
  name: 'account',
  routes: ({ database, mail, events, platform, logger }) => {
    const account = createAccountService({ db: database.db, mail, events, logger });
    return async (app) => {
      await app.register(accountRoutes(account, platform.rateLimitStore));
    };
  },
};
