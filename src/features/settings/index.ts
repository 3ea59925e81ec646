import type { Feature } from '../feature.js';
import { settingsRoutes } from './settings.routes.js';
import { createTenantSettingsService } from './tenant-settings.service.js';
import { createUserSettingsService } from './user-settings.service.js';

export { getTenantSettings } from './tenant-settings.service.js';
export { getUserSettings } from './user-settings.service.js';

export const settingsFeature: Feature = {
  name: 'settings',
  routes: ({ database }) =>
    settingsRoutes(createTenantSettingsService(database.db), createUserSettingsService(database.db)),
};
