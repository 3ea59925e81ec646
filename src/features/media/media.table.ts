import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { createdAt, id } from '../../db/columns.js';
import { sqlValueList, tenantIdColumn } from '../tenants/tenants.table.js';
import { users } from '../users/users.table.js';

export const mediaKinds = ['image', 'audio', 'video', 'document', 'sticker'] as const;
export const mediaSources = ['upload', 'whatsapp'] as const;

/**
 * A stored file (uploaded by an agent or fetched from WhatsApp). It becomes a message attachment
 * later; until then attached_at is null and a cleanup job may delete it after a grace period.
 */
export const mediaObjects = pgTable(
  'media_objects',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    storageKey: text('storage_key').notNull(),
    kind: varchar('kind', { length: 20, enum: mediaKinds }).notNull(),
    mimeType: varchar('mime_type', { length: 100 }).notNull(),
    name: varchar('name', { length: 255 }),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: varchar('sha256', { length: 64 }),
    width: integer('width'),
    height: integer('height'),
    durationMs: integer('duration_ms'),
    thumbnailKey: text('thumbnail_key'),
    previewKey: text('preview_key'),
    uploadedByUserId: uuid('uploaded_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    source: varchar('source', { length: 20, enum: mediaSources }).notNull().default('upload'),
    whatsappMediaId: varchar('whatsapp_media_id', { length: 128 }),
    attachedAt: timestamp('attached_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    check('media_objects_kind_check', sql`${t.kind} in (${sqlValueList(mediaKinds)})`),
    check('media_objects_source_check', sql`${t.source} in (${sqlValueList(mediaSources)})`),
    check('media_objects_size_check', sql`${t.size} >= 0`),
    uniqueIndex('media_objects_storage_key_uq').on(t.storageKey),
    index('media_objects_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    // The orphan sweep: "never attached and older than X".
    index('media_objects_orphan_idx')
      .on(t.createdAt)
      .where(sql`${t.attachedAt} is null`),
    // Inbound media redelivered by Meta is fetched once.
    index('media_objects_tenant_whatsapp_media_idx')
      .on(t.tenantId, t.whatsappMediaId)
      .where(sql`${t.whatsappMediaId} is not null`),
  ],
);

export type MediaObject = typeof mediaObjects.$inferSelect;
export type NewMediaObject = typeof mediaObjects.$inferInsert;
