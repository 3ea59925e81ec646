import { jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import { updatedAt } from '../../db/columns.js';
import { bots } from '../bots/bots.table.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';
import { users } from '../users/users.table.js';
import type { StoredTenantSettings, StoredUserSettings } from './settings.schema.js';

/**
 * A tenant's settings: only what an admin changed is stored (`settings`), merged over the
 * defaults on read, so a default changed in code reaches every tenant that never touched it.
 * No row = all defaults. The default bot is a column so deleting the bot clears it.
 */
export const tenantSettings = pgTable('tenant_settings', {
  tenantId: tenantIdColumn().primaryKey(),
  settings: jsonb('settings').$type<StoredTenantSettings>().notNull().default({}),
  defaultBotId: uuid('default_bot_id').references(() => bots.id, { onDelete: 'set null' }),
  updatedAt: updatedAt(),
});

/** A user's own preferences, stored like the tenant's: changed keys only, no row = defaults. */
export const userSettings = pgTable('user_settings', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tenantId: tenantIdColumn(),
  settings: jsonb('settings').$type<StoredUserSettings>().notNull().default({}),
  updatedAt: updatedAt(),
});
