import { index, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { whatsappIntegrations } from '../integrations/integrations.table.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

/** Local copy of a WhatsApp message template of one number (Meta validates and approves them). */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => whatsappIntegrations.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 512 }).notNull(),
    language: varchar('language', { length: 15 }).notNull(),
    /** Meta's: MARKETING | UTILITY | AUTHENTICATION. */
    category: varchar('category', { length: 30 }).notNull(),
    /** Meta's: PENDING | APPROVED | REJECTED | PAUSED | DISABLED | ... (open list, Meta adds values). */
    status: varchar('status', { length: 30 }).notNull().default('PENDING'),
    components: jsonb('components').$type<unknown[]>().notNull().default([]),
    metaTemplateId: varchar('meta_template_id', { length: 64 }),
    rejectionReason: text('rejection_reason'),
    ...timestamps(),
  },
  (t) => [
    // Sync upserts on it.
    uniqueIndex('message_templates_tenant_integration_name_language_uq').on(
      t.tenantId,
      t.integrationId,
      t.name,
      t.language,
    ),
    index('message_templates_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type MessageTemplate = typeof messageTemplates.$inferSelect;
export type NewMessageTemplate = typeof messageTemplates.$inferInsert;
