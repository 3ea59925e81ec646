import { index, jsonb, pgTable, uuid, varchar } from 'drizzle-orm/pg-core';
import { createdAt, id } from '../../db/columns.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

/** Who did what to which entity. Append-only. */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    /** No FK: the trail keeps the id even if the user row is ever removed. Null = the system. */
    actorUserId: uuid('actor_user_id'),
    /** 'create' | 'update' | 'delete' | 'assign' | 'transfer' | 'login' | ... (open list). */
    action: varchar('action', { length: 50 }).notNull(),
    entityType: varchar('entity_type', { length: 50 }).notNull(),
    entityId: uuid('entity_id'),
    /** Changed fields (before/after); never secrets. */
    changes: jsonb('changes').$type<Record<string, unknown>>(),
    ip: varchar('ip', { length: 64 }),
    requestId: varchar('request_id', { length: 64 }),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_logs_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('audit_logs_tenant_entity_created_idx').on(t.tenantId, t.entityType, t.entityId, t.createdAt),
    index('audit_logs_tenant_actor_created_idx').on(t.tenantId, t.actorUserId, t.createdAt),
  ],
);

export type AuditLog = typeof auditLogs.$inferSelect;
export type NewAuditLog = typeof auditLogs.$inferInsert;
