import { sql } from 'drizzle-orm';
import { index, pgTable, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

export const tags = pgTable(
  'tags',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    color: varchar('color', { length: 20 }),
    ...timestamps(),
  },
  (t) => [
    // "VIP" and "vip" are the same tag; the index also serves lists ordered by name.
    uniqueIndex('tags_tenant_name_uq').on(t.tenantId, sql`lower(${t.name})`),
    index('tags_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type Tag = typeof tags.$inferSelect;
export type NewTag = typeof tags.$inferInsert;
