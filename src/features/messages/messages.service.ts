import { and, asc, count, desc, eq, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { AppError, badRequest, forbidden, notFound } from '../../http/errors.js';
import { offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import { mayDeleteMessage } from './message-rights.js';
import { recordAudit } from '../audit/audit.service.js';
import { transactionWithEvents, type Outbox } from '../conversations/after-commit.js';
import { findVisibleConversation, visibleConversations } from '../conversations/conversation-lookup.js';
import { uniqueOpenConversation } from '../conversations/conversations.service.js';
import { conversations, type Conversation } from '../conversations/conversations.table.js';
import { domainEvent } from '../conversations/domain-event.js';
import { exactTime, pastTimeKey, parseCursor, takePage, timeKey } from '../conversations/keyset.js';
import { messageColumns, toMessageDtoOne, toMessageDtos } from './message-dto.js';
import {
  insertMessage,
  type InsertedMessage,
  type MessageInsert,
  type SendEnqueuer,
} from './message-insert.js';
import { findVisibleMessage } from './message-lookup.js';
import {
  statedTypeOf,
  type EditMessageInput,
  type MessageCursorQuery,
  type MessageListQuery,
  type SendMessageInput,
} from './messages.schema.js';
import { messageEdits, messages, type MessageSenderType } from './messages.table.js';

/** WhatsApp jobs enqueued in the transaction of the change they carry (src/whatsapp/outbound). */
export interface OutboundJobs {
  message: SendEnqueuer;
  /** Syncs the business's reaction on a message that reached WhatsApp. */
  reaction(
    tx: Tx,
    message: { tenantId: string; id: string; whatsappMessageId: string | null },
  ): Promise<void>;
}

export interface MessagesDeps {
  db: Db;
  events: DomainEvents;
  outbound?: OutboundJobs;
}

/** What the WhatsApp webhook knows about an inbound message. */
export interface InboundMessage extends Omit<
  MessageInsert,
  'senderType' | 'senderUserId' | 'senderBotId' | 'private' | 'whatsappStatus'
> {
  tenantId: string;
  conversationId: string;
}

/**
 * Stores a contact's message inside the caller's transaction (the webhook job's), reopening a
 * closed conversation; the events land in `outbox` for after the commit. Undefined for a message
 * Meta redelivered. 409 CONFLICT when reopening would make a second open conversation.
 */
export async function recordInboundMessage(
  tx: Tx,
  input: InboundMessage,
  outbox: Outbox,
): Promise<InsertedMessage | undefined> {
  const { tenantId, conversationId, ...message } = input;
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)))
    .for('update');
  if (!conversation) throw notFound('Conversation');
  return insertMessage(tx, conversation, { ...message, senderType: 'contact' }, outbox);
}

const windowClosed = () =>
  new AppError(
    422,
    'WINDOW_CLOSED',
    'The 24-hour customer service window is closed: only a template can reach the contact until they write again',
  );

const oneAttachmentOnWhatsapp = () =>
  badRequest('A WhatsApp message carries one file: send several messages', [
    { field: 'attachment_ids', message: 'At most one attachment in a WhatsApp conversation' },
  ]);

/** WhatsApp only accepts free-form messages within 24 hours of the contact's last message. */
const windowOpen = (c: Conversation, now = new Date()) =>
  c.windowExpiresAt !== null && c.windowExpiresAt > now;

async function assertReplyInConversation(tx: Tx, conversation: Conversation, replyToId: string) {
  const [target] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.id, replyToId),
        eq(messages.tenantId, conversation.tenantId),
        eq(messages.conversationId, conversation.id),
      ),
    );
  if (!target) {
    throw badRequest('A reply must quote a message of the same conversation', [
      { field: 'reply_to_id', message: 'Not a message of this conversation' },
    ]);
  }
}

const newestFirst = [desc(messages.createdAt), desc(messages.id)];

export function createMessageService({ db, events, outbound }: MessagesDeps) {
  const transaction = transactionWithEvents(db, events);

  async function page(where: SQL | undefined, q: PageQuery) {
    const [rows, [total]] = await Promise.all([
      db
        .select({ message: messageColumns })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(where)
        .orderBy(...newestFirst)
        .limit(q.limit)
        .offset(offsetOf(q)),
      db
        .select({ n: count() })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(where),
    ]);
    return toPage(
      await toMessageDtos(
        db,
        rows.map((r) => r.message),
      ),
      total?.n ?? 0,
      q,
    );
  }

  /** The tenant's messages in conversations the caller can see (page() joins conversations). */
  const scope = (
    ctx: RequestContext,
    f: { conversationId?: string | undefined; senderType?: MessageSenderType | undefined },
  ) =>
    and(
      eq(messages.tenantId, ctx.tenantId),
      visibleConversations(ctx),
      f.conversationId ? eq(messages.conversationId, f.conversationId) : undefined,
      f.senderType ? eq(messages.senderType, f.senderType) : undefined,
    );

  return {
    /** A user's message: sender from the caller, never from the body. */
    send: (ctx: RequestContext, input: SendMessageInput) =>
      transaction(async (tx, outbox) => {
        const conversation = await findVisibleConversation(tx, ctx, input.conversation_id, { lock: true });
        if (input.reply_to_id) await assertReplyInConversation(tx, conversation, input.reply_to_id);
        const isPrivate = input.private ?? false;
        const viaWhatsapp = conversation.integrationId !== null && !isPrivate;
        const type = statedTypeOf(input);
        if (viaWhatsapp && type !== 'template' && !windowOpen(conversation)) throw windowClosed();
        if (viaWhatsapp && (input.attachment_ids?.length ?? 0) > 1) throw oneAttachmentOnWhatsapp();
        const inserted = await insertMessage(
          tx,
          conversation,
          {
            senderType: 'user',
            senderUserId: ctx.userId,
            ...(type ? { type } : {}),
            body: input.body ?? null,
            content: input.template
              ? { template: input.template }
              : input.interactive
                ? { interactive: input.interactive }
                : {},
            private: isPrivate,
            replyToId: input.reply_to_id ?? null,
            attachmentIds: input.attachment_ids ?? [],
            attachedBy: ctx,
            ...(outbound ? { enqueueSend: outbound.message } : {}),
          },
          outbox,
          ctx.userId,
        );
        const message = inserted!.message;
        await recordAudit(tx, ctx, {
          action: 'create',
          entityType: 'message',
          entityId: message.id,
          changes: { conversation_id: conversation.id, type: message.type, private: isPrivate },
        });
        return message;
      }),

    /** An inbound message in its own transaction, events published after it commits. */
    recordInbound: (input: InboundMessage) =>
      uniqueOpenConversation(() => transaction((tx, outbox) => recordInboundMessage(tx, input, outbox))),

    get: async (ctx: RequestContext, id: string) =>
      toMessageDtoOne(db, await findVisibleMessage(db, ctx, id)),

    async list(ctx: RequestContext, q: MessageListQuery) {
      if (q.conversation_id) await findVisibleConversation(db, ctx, q.conversation_id);
      return page(scope(ctx, { conversationId: q.conversation_id, senderType: q.sender_type }), q);
    },

    async listOfConversation(ctx: RequestContext, conversationId: string, q: PageQuery) {
      await findVisibleConversation(db, ctx, conversationId);
      return page(scope(ctx, { conversationId }), q);
    },

    /** older: newest first from the newest (default); newer: oldest first from the oldest. */
    async walk(ctx: RequestContext, conversationId: string, q: MessageCursorQuery) {
      await findVisibleConversation(db, ctx, conversationId);
      const key = parseCursor(q.cursor, timeKey);
      const direction = q.direction === 'older' ? 'desc' : 'asc';
      const by = direction === 'desc' ? desc : asc;
      const rows = await db
        .select({ message: messageColumns, sortTime: exactTime(messages.createdAt) })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.tenantId, ctx.tenantId),
            key ? pastTimeKey(messages.createdAt, messages.id, key, direction) : undefined,
          ),
        )
        .orderBy(by(messages.createdAt), by(messages.id))
        .limit(q.limit + 1);
      const { page: rowsOfPage, nextCursor } = takePage(rows, q.limit, (r) => ({
        t: r.sortTime,
        id: r.message.id,
      }));
      return {
        data: await toMessageDtos(
          db,
          rowsOfPage.map((r) => r.message),
        ),
        meta: { limit: q.limit, next_cursor: nextCursor },
      };
    },

    /** Only the author edits; the previous version goes to message_edits. */
    edit: (ctx: RequestContext, id: string, input: EditMessageInput) =>
      transaction(async (tx, outbox) => {
        const message = await findVisibleMessage(tx, ctx, id, { lock: true });
        if (message.senderType !== 'user' || message.senderUserId !== ctx.userId) {
          throw forbidden('Only the author can edit a message');
        }
        if (message.deletedAt) throw badRequest('A deleted message cannot be edited');
        await tx.insert(messageEdits).values({
          tenantId: ctx.tenantId,
          messageId: id,
          previousBody: message.body,
          previousContent: message.content,
          editedByUserId: ctx.userId,
        });
        const [row] = await tx
          .update(messages)
          .set({ body: input.body, editedAt: new Date() })
          .where(and(eq(messages.id, id), eq(messages.tenantId, ctx.tenantId)))
          .returning();
        await recordAudit(tx, ctx, { action: 'update', entityType: 'message', entityId: id, changes: input });
        const dto = await toMessageDtoOne(tx, row!);
        outbox.push(domainEvent(DomainEventType.MessageUpdated, ctx, dto));
        return dto;
      }),

    /** Soft delete by the author or a holder of conversations:read_all; repeating it changes nothing. */
    remove: (ctx: RequestContext, id: string) =>
      transaction(async (tx, outbox) => {
        const message = await findVisibleMessage(tx, ctx, id, { lock: true });
        if (!mayDeleteMessage(ctx, message)) throw forbidden('Only the author can delete a message');
        if (message.deletedAt) return;
        const [row] = await tx
          .update(messages)
          .set({ deletedAt: new Date() })
          .where(and(eq(messages.id, id), eq(messages.tenantId, ctx.tenantId)))
          .returning();
        await recordAudit(tx, ctx, { action: 'delete', entityType: 'message', entityId: id });
        outbox.push(domainEvent(DomainEventType.MessageDeleted, ctx, await toMessageDtoOne(tx, row!)));
      }),

    /** Previous versions of an edited message, oldest first. */
    async edits(ctx: RequestContext, id: string) {
      await findVisibleMessage(db, ctx, id);
      const rows = await db
        .select()
        .from(messageEdits)
        .where(and(eq(messageEdits.messageId, id), eq(messageEdits.tenantId, ctx.tenantId)))
        .orderBy(asc(messageEdits.createdAt), asc(messageEdits.id));
      return {
        data: rows.map((e) => ({
          id: e.id,
          body: e.previousBody,
          content: e.previousContent,
          edited_by_user_id: e.editedByUserId,
          created_at: e.createdAt.toISOString(),
        })),
      };
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
