import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest } from '../../http/errors.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';
import { beyond, keysetPosition, preciseTimestamp } from '../catalog/keyset.js';
import { type AuditLogDto, type AuditLogQuery } from './audit.schema.js';
import { auditLogs, type AuditLog } from './audit.table.js';

const toDto = (row: AuditLog): AuditLogDto => ({
  id: row.id,
  actor_user_id: row.actorUserId,
  action: row.action,
  entity_type: row.entityType,
  entity_id: row.entityId,
  changes: row.changes ?? {},
  ip: row.ip,
  request_id: row.requestId,
  created_at: row.createdAt.toISOString(),
});

export function createAuditLogService(db: Db) {
  return {
    /** Newest first on the (tenant_id, created_at, id) indexes; keyset cursor, so inserts never shift it. */
    async list(ctx: RequestContext, q: AuditLogQuery) {
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, keysetPosition);
      if (q.cursor !== undefined && !after)
        throw badRequest('Invalid cursor', [{ field: 'cursor', message: 'Invalid cursor' }]);
      const rows = await db
        .select({ row: auditLogs, position: preciseTimestamp(auditLogs.createdAt) })
        .from(auditLogs)
        .where(
          and(
            eq(auditLogs.tenantId, ctx.tenantId),
            q.actor_user_id ? eq(auditLogs.actorUserId, q.actor_user_id) : undefined,
            q.entity_type ? eq(auditLogs.entityType, q.entity_type) : undefined,
            q.entity_id ? eq(auditLogs.entityId, q.entity_id) : undefined,
            q.action ? eq(auditLogs.action, q.action) : undefined,
            q.from ? gte(auditLogs.createdAt, new Date(q.from)) : undefined,
            q.to ? lt(auditLogs.createdAt, new Date(q.to)) : undefined,
            after ? beyond(auditLogs.createdAt, auditLogs.id, after, 'desc') : undefined,
          ),
        )
        .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        data: page.map((r) => toDto(r.row)),
        meta: {
          limit: q.limit,
          next_cursor:
            rows.length > q.limit && last ? encodeCursor({ t: last.position, i: last.row.id }) : null,
        },
      };
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
