import { index, jsonb, pgTable, primaryKey, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamps } from '../../db/columns.js';
import { tags } from '../tags/tags.table.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

/**
 * A customer. WhatsApp keys contacts by wa_id (external_id, digits of the phone number); users with a
 * WhatsApp username may come with only a business-scoped user id (whatsapp_user_id) and no number.
 * Each key is unique per tenant; NULLs do not collide, so a contact may lack any of them.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    externalId: varchar('external_id', { length: 64 }),
    whatsappUserId: varchar('whatsapp_user_id', { length: 128 }),
    name: varchar('name', { length: 150 }),
    /** E.164, e.g. +5511999998888. */
    phoneNumber: varchar('phone_number', { length: 20 }),
    email: varchar('email', { length: 254 }),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    // Plain (not partial) unique indexes so `ON CONFLICT (tenant_id, external_id)` can target them.
    uniqueIndex('contacts_tenant_external_id_uq').on(t.tenantId, t.externalId),
    uniqueIndex('contacts_tenant_phone_number_uq').on(t.tenantId, t.phoneNumber),
    uniqueIndex('contacts_tenant_whatsapp_user_id_uq').on(t.tenantId, t.whatsappUserId),
    index('contacts_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const contactTags = pgTable(
  'contact_tags',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    tenantId: tenantIdColumn(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'contact_tags_pk', columns: [t.contactId, t.tagId] }),
    // "contacts with tag X" (by-tag lists, the conversation list's tag filter).
    index('contact_tags_tenant_tag_contact_idx').on(t.tenantId, t.tagId, t.contactId),
  ],
);

export type Contact = typeof contacts.$inferSelect;
export type NewContact = typeof contacts.$inferInsert;
export type ContactTag = typeof contactTags.$inferSelect;
export type NewContactTag = typeof contactTags.$inferInsert;
