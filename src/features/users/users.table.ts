import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  pgTable,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { mediaObjects } from '../media/media.table.js';
import { roles } from '../roles/roles.table.js';
import { tenants } from '../tenants/tenants.table.js';

export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
    name: varchar('name', { length: 100 }).notNull(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }),
    /** E.164; the agent's phone that click-to-call rings first. */
    phoneNumber: varchar('phone_number', { length: 20 }),
    // Typed by hand: media_objects refers back to users (uploaded_by), a cycle TypeScript cannot infer.
    avatarMediaId: uuid('avatar_media_id').references((): AnyPgColumn => mediaObjects.id, {
      onDelete: 'set null',
    }),
    passwordHash: varchar('password_hash', { length: 255 }).notNull(),
    online: boolean('online').notNull().default(false),
    presence: varchar('presence', { length: 10, enum: ['online', 'away', 'busy', 'offline'] })
      .notNull()
      .default('offline'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    mfaEnabled: boolean('mfa_enabled').notNull().default(false),
    /** Set by following the link mailed to `email`; cleared whenever the email changes. */
    emailVerified: boolean('email_verified').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
    /** An admin switched the account off: it stays listed and can be switched on again. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    // Usernames and emails log in without naming a tenant, so they are unique across the deployment.
    uniqueIndex('users_username_uq').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    index('users_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('users_role_idx').on(t.roleId),
    // The orphan-media sweep and media deletion (ON DELETE SET NULL) look avatars up by media id.
    index('users_avatar_media_idx')
      .on(t.avatarMediaId)
      .where(sql`${t.avatarMediaId} is not null`),
  ],
);
