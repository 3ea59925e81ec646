import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { contacts } from '../contacts/contacts.table.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

// Small per-tenant lookup lists (seed 000: server / application / device) and the accounts that a
// contact holds on them.

export const servers = pgTable(
  'servers',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('servers_tenant_name_uq').on(t.tenantId, sql`lower(${t.name})`),
    index('servers_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const applications = pgTable(
  'applications',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('applications_tenant_name_uq').on(t.tenantId, sql`lower(${t.name})`),
    index('applications_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const devices = pgTable(
  'devices',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('devices_tenant_name_uq').on(t.tenantId, sql`lower(${t.name})`),
    index('devices_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const contactUserAccounts = pgTable(
  'contact_user_accounts',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    usernameFinal: varchar('username_final', { length: 150 }).notNull(),
    /** AES-256-GCM ciphertext (src/platform/crypto.ts); the API never returns it. */
    passwordFinalEncrypted: text('password_final_encrypted').notNull(),
    // A server that still has accounts cannot be deleted (deleting the whole tenant still works).
    // NO ACTION, not RESTRICT: same effect, but SQLSTATE 23503 on PostgreSQL 15 and PGlite alike.
    serverId: uuid('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'no action' }),
    idLineServer: integer('id_line_server'),
    dateExp: timestamp('date_exp', { withTimezone: true }),
    applicationId: uuid('application_id').references(() => applications.id, { onDelete: 'set null' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    ...timestamps(),
  },
  (t) => [
    index('contact_user_accounts_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('contact_user_accounts_contact_idx').on(t.contactId),
    // The delete checks on servers / applications / devices.
    index('contact_user_accounts_server_idx').on(t.serverId),
    index('contact_user_accounts_application_idx')
      .on(t.applicationId)
      .where(sql`${t.applicationId} is not null`),
    index('contact_user_accounts_device_idx')
      .on(t.deviceId)
      .where(sql`${t.deviceId} is not null`),
  ],
);

export type Server = typeof servers.$inferSelect;
export type NewServer = typeof servers.$inferInsert;
export type Application = typeof applications.$inferSelect;
export type NewApplication = typeof applications.$inferInsert;
export type Device = typeof devices.$inferSelect;
export type NewDevice = typeof devices.$inferInsert;
export type ContactUserAccount = typeof contactUserAccounts.$inferSelect;
export type NewContactUserAccount = typeof contactUserAccounts.$inferInsert;
