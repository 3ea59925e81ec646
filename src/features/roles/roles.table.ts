import { boolean, index, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { tenants } from '../tenants/tenants.table.js';

export const roles = pgTable(
  'roles',
  {
    id: id(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: varchar('name', { length: 50 }).notNull(),
    permissions: text('permissions').array().notNull().default([]),
    builtIn: boolean('built_in').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('roles_tenant_name_uq').on(t.tenantId, t.name),
    index('roles_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);
