import { graphClientOf } from '../../whatsapp/outbound/index.js';
import type { Feature } from '../feature.js';
import { templatesRoutes } from './templates.routes.js';
import { createTemplatesService } from './templates.service.js';

export const templatesFeature: Feature = {
  name: 'templates',
  routes: (deps) =>
    templatesRoutes(
      createTemplatesService({ db: deps.database.db, secrets: deps.secrets, graph: graphClientOf(deps) }),
    ),
};
