import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { authErrors } from '../../http/schemas.js';
import type { AuditLogService } from './audit-log.service.js';
import { auditLogPage, auditLogQuery } from './audit.schema.js';

export function auditRoutes(audit: AuditLogService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/audit-logs',
      {
        preValidation: requirePermission('audit:read'),
        schema: {
          tags: ['audit'],
          querystring: auditLogQuery,
          response: { 200: auditLogPage, ...authErrors },
        },
      },
      (req) => audit.list(ctxOf(req), req.query),
    );
  };
}
