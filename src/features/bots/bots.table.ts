import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { sqlValueList, tenantIdColumn } from '../tenants/tenants.table.js';

export const botKinds = ['rules', 'webhook'] as const;

export const bots = pgTable(
  'bots',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    kind: varchar('kind', { length: 20, enum: botKinds }).notNull().default('rules'),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    check('bots_kind_check', sql`${t.kind} in (${sqlValueList(botKinds)})`),
    index('bots_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type Bot = typeof bots.$inferSelect;
export type NewBot = typeof bots.$inferInsert;
