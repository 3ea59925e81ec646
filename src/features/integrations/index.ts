import type { Feature } from '../feature.js';
import { integrationsRoutes } from './integrations.routes.js';
import { createIntegrationsService } from './integrations.service.js';

export const integrationsFeature: Feature = {
  name: 'integrations',
  routes: ({ database, secrets, config }) =>
    integrationsRoutes(createIntegrationsService(database.db, secrets, config.whatsapp.apiVersion)),
};
