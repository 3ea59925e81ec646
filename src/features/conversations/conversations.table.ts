import { sql } from 'drizzle-orm';
import {
  boolean,
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
import { createdAt, id, timestamps } from '../../db/columns.js';
import { bots } from '../bots/bots.table.js';
import { contacts } from '../contacts/contacts.table.js';
import { whatsappIntegrations } from '../integrations/integrations.table.js';
import { sqlValueList, tenantIdColumn } from '../tenants/tenants.table.js';
import { users } from '../users/users.table.js';

export const conversationStatuses = ['queue', 'active', 'closed', 'transferred'] as const;
export const conversationPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const conversationEventKinds = [
  'assigned',
  'unassigned',
  'transferred',
  'status_changed',
  'created',
  'reopened',
] as const;

export type ConversationStatus = (typeof conversationStatuses)[number];
export type ConversationPriority = (typeof conversationPriorities)[number];
export type ConversationEventKind = (typeof conversationEventKinds)[number];

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id').references(() => whatsappIntegrations.id, { onDelete: 'set null' }),
    status: varchar('status', { length: 20, enum: conversationStatuses }).notNull().default('queue'),
    assignedUserId: uuid('assigned_user_id').references(() => users.id, { onDelete: 'set null' }),
    assignedBotId: uuid('assigned_bot_id').references(() => bots.id, { onDelete: 'set null' }),
    unreadCount: integer('unread_count').notNull().default(0),
    read: boolean('read').notNull().default(true),
    priority: varchar('priority', { length: 10, enum: conversationPriorities }).notNull().default('normal'),
    /** End of WhatsApp's 24-hour customer service window (last inbound + 24 h). */
    windowExpiresAt: timestamp('window_expires_at', { withTimezone: true }),
    /** The newest message; no FK (messages reference conversations, and a cycle buys nothing here). */
    lastMessageId: uuid('last_message_id'),
    /**
     * Sort key of every conversation list. Not null (a new conversation sorts by its creation time)
     * so keyset cursors never have to handle NULLs.
     */
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    check(
      'conversations_assignee_xor',
      sql`not (${t.assignedUserId} is not null and ${t.assignedBotId} is not null)`,
    ),
    check('conversations_unread_count_check', sql`${t.unreadCount} >= 0`),
    check('conversations_status_check', sql`${t.status} in (${sqlValueList(conversationStatuses)})`),
    check('conversations_priority_check', sql`${t.priority} in (${sqlValueList(conversationPriorities)})`),
    // Lists: ORDER BY last_message_at DESC, id DESC scans these backwards.
    index('conversations_tenant_last_message_idx').on(t.tenantId, t.lastMessageAt, t.id),
    index('conversations_tenant_status_last_message_idx').on(t.tenantId, t.status, t.lastMessageAt, t.id),
    index('conversations_tenant_assignee_last_message_idx').on(
      t.tenantId,
      t.assignedUserId,
      t.lastMessageAt,
      t.id,
    ),
    index('conversations_tenant_contact_idx').on(t.tenantId, t.contactId),
    index('conversations_tenant_integration_idx').on(t.tenantId, t.integrationId),
    // Bot-assigned lists, and the SET NULL when a bot is deleted.
    index('conversations_assigned_bot_idx')
      .on(t.assignedBotId)
      .where(sql`${t.assignedBotId} is not null`),
    // At most one open conversation per contact and number: the webhook's find-or-open relies on it
    // (insert ... on conflict do nothing, then select). A NULL integration never conflicts.
    uniqueIndex('conversations_open_uq')
      .on(t.tenantId, t.contactId, t.integrationId)
      .where(sql`${t.status} <> 'closed'`),
  ],
);

/** The assignment / status / transfer trail of a conversation (GET /conversations/:id/events). */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    kind: varchar('kind', { length: 20, enum: conversationEventKinds }).notNull(),
    /** Null when the system (webhook, bot, job) did it. */
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    fromUserId: uuid('from_user_id').references(() => users.id, { onDelete: 'set null' }),
    toUserId: uuid('to_user_id').references(() => users.id, { onDelete: 'set null' }),
    fromBotId: uuid('from_bot_id').references(() => bots.id, { onDelete: 'set null' }),
    toBotId: uuid('to_bot_id').references(() => bots.id, { onDelete: 'set null' }),
    fromStatus: varchar('from_status', { length: 20, enum: conversationStatuses }),
    toStatus: varchar('to_status', { length: 20, enum: conversationStatuses }),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    check('conversation_events_kind_check', sql`${t.kind} in (${sqlValueList(conversationEventKinds)})`),
    index('conversation_events_conversation_created_idx').on(t.conversationId, t.createdAt, t.id),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type NewConversation = typeof conversations.$inferInsert;
export type ConversationEvent = typeof conversationEvents.$inferSelect;
export type NewConversationEvent = typeof conversationEvents.$inferInsert;
