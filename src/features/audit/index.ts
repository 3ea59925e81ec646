import type { Feature } from '../feature.js';
import { createAuditLogService } from './audit-log.service.js';
import { auditRoutes } from './audit.routes.js';

export const auditFeature: Feature = {
  name: 'audit',
  routes: ({ database }) => auditRoutes(createAuditLogService(database.db)),
};
