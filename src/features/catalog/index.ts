import type { Feature } from '../feature.js';
import { applications, devices, servers } from './catalog.table.js';
import { contactUserAccountsRoutes } from './contact-user-accounts.routes.js';
import { namedCatalogRoutes } from './named-catalog.js';

/** The seed's lookup lists (servers, applications, devices) and the accounts contacts hold on them. */
export const catalogFeature: Feature = {
  name: 'catalog',
  routes:
    ({ database, secrets }) =>
    async (app) => {
      const { db } = database;
      await app.register(
        namedCatalogRoutes(db, { table: servers, entity: 'server', label: 'Server', path: '/servers' }),
      );
      await app.register(
        namedCatalogRoutes(db, {
          table: applications,
          entity: 'application',
          label: 'Application',
          path: '/applications',
        }),
      );
      await app.register(
        namedCatalogRoutes(db, { table: devices, entity: 'device', label: 'Device', path: '/devices' }),
      );
      await app.register(contactUserAccountsRoutes(db, secrets));
    },
};
