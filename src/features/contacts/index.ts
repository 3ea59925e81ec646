import type { Feature } from '../feature.js';
import { contactsCsvRoutes } from './contacts-csv.routes.js';
import { contactsRoutes } from './contacts.routes.js';
import { createContactsService } from './contacts.service.js';

export const contactsFeature: Feature = {
  name: 'contacts',
  routes:
    ({ database, events }) =>
    async (app) => {
      await app.register(contactsRoutes(createContactsService(database.db, events)));
      await app.register(contactsCsvRoutes(database.db, events));
    },
};
