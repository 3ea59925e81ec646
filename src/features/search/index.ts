import type { Feature } from '../feature.js';
import { searchRoutes } from './search.routes.js';
import { createSearchService, ensureLanguageIndex } from './search.service.js';

export const searchFeature: Feature = {
  name: 'search',
  routes: ({ database, config }) =>
    searchRoutes(createSearchService({ db: database.db, tsConfig: config.searchTsConfig })),
  start: ({ database, config }) => ensureLanguageIndex(database.db, config.searchTsConfig),
};
