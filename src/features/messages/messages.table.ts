import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from '../../db/columns.js';
import { bots } from '../bots/bots.table.js';
import { conversations } from '../conversations/conversations.table.js';
import { mediaKinds, mediaObjects } from '../media/media.table.js';
import { sqlValueList, tenantIdColumn } from '../tenants/tenants.table.js';
import { users } from '../users/users.table.js';

export const messageSenderTypes = ['contact', 'user', 'bot', 'system'] as const;
export const messageTypes = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'order',
  'template',
  'reaction',
  'system',
  'unsupported',
] as const;
export const whatsappStatuses = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
export const reactionSenderTypes = ['contact', 'user', 'bot'] as const;

export type MessageSenderType = (typeof messageSenderTypes)[number];
export type MessageType = (typeof messageTypes)[number];
export type WhatsappStatus = (typeof whatsappStatuses)[number];
export type ReactionSenderType = (typeof reactionSenderTypes)[number];
export type MessageError = { code: number; title: string; message?: string };

/** PostgreSQL tsvector; only ever written by the database (generated column). */
export const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

export const messages = pgTable(
  'messages',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    senderType: varchar('sender_type', { length: 10, enum: messageSenderTypes }).notNull(),
    // Not SET NULL: the sender checks need the id; users and bots that have messages are disabled, not
    // deleted. NO ACTION rather than RESTRICT (same effect here): PostgreSQL 18 (PGlite) reports a
    // RESTRICT violation as 23001, 15 as 23503; NO ACTION is 23503 on both. Deleting a whole tenant
    // still works: its direct tenant_id cascades run before the checks queued by the cascaded user/bot
    // deletes (see constraints.test.ts).
    senderUserId: uuid('sender_user_id').references(() => users.id, { onDelete: 'no action' }),
    senderBotId: uuid('sender_bot_id').references(() => bots.id, { onDelete: 'no action' }),
    type: varchar('type', { length: 20, enum: messageTypes }).notNull().default('text'),
    body: text('body'),
    /** Type-specific payload: location, contacts, interactive, template, Meta's object when unsupported... */
    content: jsonb('content').$type<Record<string, unknown>>().notNull().default({}),
    /** An internal note: never sent to WhatsApp. */
    private: boolean('private').notNull().default(false),
    replyToId: uuid('reply_to_id').references((): AnyPgColumn => messages.id, { onDelete: 'set null' }),
    /** Meta's wamid; inbound processing inserts with ON CONFLICT (tenant_id, whatsapp_message_id) DO NOTHING. */
    whatsappMessageId: varchar('whatsapp_message_id', { length: 255 }),
    /** Null for inbound messages and private notes. */
    whatsappStatus: varchar('whatsapp_status', { length: 10, enum: whatsappStatuses }),
    error: jsonb('error').$type<MessageError>(),
    // The 'simple' configuration: customers write in many languages; a generated column needs a constant.
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('simple', coalesce(body, ''))`),
    /** For inbound messages Meta's timestamp. */
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('messages_sender_user_check', sql`(${t.senderType} = 'user') = (${t.senderUserId} is not null)`),
    check('messages_sender_bot_check', sql`(${t.senderType} = 'bot') = (${t.senderBotId} is not null)`),
    check('messages_sender_type_check', sql`${t.senderType} in (${sqlValueList(messageSenderTypes)})`),
    check('messages_type_check', sql`${t.type} in (${sqlValueList(messageTypes)})`),
    check('messages_whatsapp_status_check', sql`${t.whatsappStatus} in (${sqlValueList(whatsappStatuses)})`),
    // History and cursor pages of one conversation (scanned backwards for newest first).
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt, t.id),
    index('messages_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    uniqueIndex('messages_tenant_whatsapp_message_id_uq').on(t.tenantId, t.whatsappMessageId),
    index('messages_search_idx').using('gin', t.searchVector),
    // Unread contact messages of a conversation (unread-contact, unread-count, mark-as-read).
    index('messages_unread_contact_idx')
      .on(t.conversationId)
      .where(sql`${t.senderType} = 'contact' and ${t.readAt} is null`),
    // The SET NULL when a replied-to message is deleted.
    index('messages_reply_to_idx')
      .on(t.replyToId)
      .where(sql`${t.replyToId} is not null`),
  ],
);

export const messageAttachments = pgTable(
  'message_attachments',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    mediaId: uuid('media_id').references(() => mediaObjects.id, { onDelete: 'set null' }),
    kind: varchar('kind', { length: 20, enum: mediaKinds }).notNull(),
    url: text('url'),
    mimeType: varchar('mime_type', { length: 100 }),
    name: varchar('name', { length: 255 }),
    size: bigint('size', { mode: 'number' }),
    durationMs: integer('duration_ms'),
    width: integer('width'),
    height: integer('height'),
    thumbnailUrl: text('thumbnail_url'),
    previewUrl: text('preview_url'),
    createdAt: createdAt(),
  },
  (t) => [
    check('message_attachments_kind_check', sql`${t.kind} in (${sqlValueList(mediaKinds)})`),
    index('message_attachments_message_idx').on(t.messageId),
    index('message_attachments_media_idx')
      .on(t.mediaId)
      .where(sql`${t.mediaId} is not null`),
  ],
);

/** WhatsApp allows one reaction per sender per message: a new emoji replaces the old one. */
export const messageReactions = pgTable(
  'message_reactions',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    emoji: varchar('emoji', { length: 32 }).notNull(),
    senderType: varchar('sender_type', { length: 10, enum: reactionSenderTypes }).notNull(),
    /** The user, bot or contact id (polymorphic, so no FK). */
    senderId: uuid('sender_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      'message_reactions_sender_type_check',
      sql`${t.senderType} in (${sqlValueList(reactionSenderTypes)})`,
    ),
    uniqueIndex('message_reactions_message_sender_uq').on(t.messageId, t.senderType, t.senderId),
  ],
);

/** Previous versions of an edited message, newest last. */
export const messageEdits = pgTable(
  'message_edits',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    previousBody: text('previous_body'),
    previousContent: jsonb('previous_content').$type<Record<string, unknown>>(),
    editedByUserId: uuid('edited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('message_edits_message_created_idx').on(t.messageId, t.createdAt)],
);

export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type MessageAttachment = typeof messageAttachments.$inferSelect;
export type NewMessageAttachment = typeof messageAttachments.$inferInsert;
export type MessageReaction = typeof messageReactions.$inferSelect;
export type NewMessageReaction = typeof messageReactions.$inferInsert;
export type MessageEdit = typeof messageEdits.$inferSelect;
export type NewMessageEdit = typeof messageEdits.$inferInsert;
