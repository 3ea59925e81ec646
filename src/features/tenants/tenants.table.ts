import { sql, type SQL } from 'drizzle-orm';
import { jsonb, pgTable, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';

export const tenants = pgTable('tenants', {
  id: id(),
  name: varchar('name', { length: 150 }).notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps(),
});

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

// Helpers for the tenant-owned tables of every feature (they all import this file already).

/** The owning tenant of a row: deleting a tenant deletes everything it owns. */
export const tenantIdColumn = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/**
 * `'a', 'b', 'c'` for a CHECK (col in (...)) built from the same constant array the column's TS enum
 * uses, so the database and the types cannot drift apart. Values are code constants, never input.
 */
export const sqlValueList = (values: readonly string[]): SQL =>
  sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', '));
