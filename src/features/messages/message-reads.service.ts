import { and, count, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../http/context.js';
import { DomainEventType } from '../../platform/event-types.js';
import { transactionWithEvents } from '../conversations/after-commit.js';
import { loadConversationDto } from '../conversations/conversation-dto.js';
import { findVisibleConversation, visibleConversations } from '../conversations/conversation-lookup.js';
import { markConversationRead } from '../conversations/conversation-read.js';
import { conversations } from '../conversations/conversations.table.js';
import { domainEvent } from '../conversations/domain-event.js';
import type { MessagesDeps } from './messages.service.js';
import { messages } from './messages.table.js';

/** Contact messages nobody has read yet (the partial index messages_unread_contact_idx). */
const unreadFromContact = and(
  eq(messages.senderType, 'contact'),
  isNull(messages.readAt),
  isNull(messages.deletedAt),
);

/** Agent and bot messages the contact has not read (WhatsApp reports read); notes never reach it. */
const unreadByContact = and(
  inArray(messages.senderType, ['user', 'bot']),
  eq(messages.private, false),
  isNull(messages.deletedAt),
  or(isNull(messages.whatsappStatus), ne(messages.whatsappStatus, 'read')),
);

export function createMessageReadsService({ db, events }: MessagesDeps) {
  const transaction = transactionWithEvents(db, events);

  async function countIn(ctx: RequestContext, conversationId: string, which: SQL | undefined) {
    await findVisibleConversation(db, ctx, conversationId);
    const [row] = await db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.tenantId, ctx.tenantId), which));
    return { count: row?.n ?? 0 };
  }

  return {
    unreadFromContact: (ctx: RequestContext, conversationId: string) =>
      countIn(ctx, conversationId, unreadFromContact),

    unreadByContact: (ctx: RequestContext, conversationId: string) =>
      countIn(ctx, conversationId, unreadByContact),

    /** In one conversation, or in every conversation the caller can see. */
    async unreadCount(ctx: RequestContext, conversationId?: string) {
      if (conversationId) return countIn(ctx, conversationId, unreadFromContact);
      const [row] = await db
        .select({ n: count() })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.tenantId, ctx.tenantId), visibleConversations(ctx), unreadFromContact));
      return { count: row?.n ?? 0 };
    },

    markConversationRead: (ctx: RequestContext, conversationId: string) =>
      transaction(async (tx, outbox) => {
        const conversation = await findVisibleConversation(tx, ctx, conversationId, { lock: true });
        const updated = await markConversationRead(tx, conversation);
        const dto = await loadConversationDto(tx, ctx.tenantId, conversationId);
        outbox.push(domainEvent(DomainEventType.ConversationRead, ctx, dto));
        return { updated };
      }),

    /**
     * Marks the listed contact messages read. Ids of messages the caller cannot see (or that are not
     * unread contact messages) are skipped, not reported: the count says what changed. Each touched
     * conversation's unread counter is recomputed from its messages.
     */
    markRead: (ctx: RequestContext, messageIds: string[]) =>
      transaction(async (tx, outbox) => {
        const visible = tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(visibleConversations(ctx));
        const marked = await tx
          .update(messages)
          .set({ readAt: new Date() })
          .where(
            and(
              eq(messages.tenantId, ctx.tenantId),
              inArray(messages.id, messageIds),
              inArray(messages.conversationId, visible),
              eq(messages.senderType, 'contact'),
              isNull(messages.readAt),
            ),
          )
          .returning({ conversationId: messages.conversationId });
        const touched = [...new Set(marked.map((m) => m.conversationId))].sort();
        for (const id of touched) {
          const remaining = sql<number>`(select count(*)::int from ${messages} where ${messages.conversationId} = ${id} and ${unreadFromContact})`;
          await tx
            .update(conversations)
            .set({ unreadCount: remaining, read: sql`${remaining} = 0` })
            .where(and(eq(conversations.id, id), eq(conversations.tenantId, ctx.tenantId)));
          const dto = await loadConversationDto(tx, ctx.tenantId, id);
          outbox.push(domainEvent(DomainEventType.ConversationRead, ctx, dto));
        }
        return { updated: marked.length };
      }),
  };
}

export type MessageReadsService = ReturnType<typeof createMessageReadsService>;
