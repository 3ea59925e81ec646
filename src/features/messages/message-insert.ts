import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { uuidv7 } from '../../db/columns.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { Outbox } from '../conversations/after-commit.js';
import { loadConversationDto } from '../conversations/conversation-dto.js';
import { assigneeOf, recordConversationEvent } from '../conversations/conversation-events.js';
import { activateOnAct, reopenOnInbound, statusColumns } from '../conversations/conversation-status.js';
import type { ConversationDto } from '../conversations/conversations.schema.js';
import { conversations, type Conversation } from '../conversations/conversations.table.js';
import { domainEvent } from '../conversations/domain-event.js';
import { attachMedia, findAttachableMedia, type AttachingUser } from './message-attachments.js';
import { newMessageDto } from './message-dto.js';
import type { MessageDto } from './messages.schema.js';
import { messages, type MessageSenderType, type MessageType, type WhatsappStatus } from './messages.table.js';

const WINDOW_MS = 24 * 60 * 60 * 1000;

/** Enqueues the WhatsApp send of a stored message inside the caller's transaction (src/whatsapp/outbound). */
export type SendEnqueuer = (tx: Tx, message: { tenantId: string; id: string }) => Promise<void>;

/** WhatsApp gets an agent's or bot's message that is not a note, in a conversation with a number. */
const goesToWhatsapp = (c: Conversation, input: MessageInsert) =>
  c.integrationId !== null && !input.private && (input.senderType === 'user' || input.senderType === 'bot');

export interface MessageInsert {
  senderType: MessageSenderType;
  senderUserId?: string | null;
  senderBotId?: string | null;
  /** Defaults to the first attachment's kind, else text. */
  type?: MessageType;
  body?: string | null;
  content?: Record<string, unknown>;
  private?: boolean;
  replyToId?: string | null;
  whatsappMessageId?: string | null;
  whatsappStatus?: WhatsappStatus | null;
  /** Meta's timestamp for inbound messages; now otherwise. */
  createdAt?: Date;
  /** media_objects ids, attached in this order. */
  attachmentIds?: readonly string[];
  /** The user attaching them, who may only use uploads visible to them. */
  attachedBy?: AttachingUser;
  /** Required when the message goes to WhatsApp: it is then stored `pending` with its send job. */
  enqueueSend?: SendEnqueuer;
}

export interface InsertedMessage {
  message: MessageDto;
  conversation: ConversationDto;
}

/**
 * The one insert path of messages (API, WhatsApp webhook, bots). In the caller's transaction it
 * stores the message, attaches its media, and moves the conversation along: last message, unread
 * counter and 24-hour window for contact messages, reopening a closed conversation on an inbound
 * message, activating a transferred one when its new assignee speaks. The events go to the outbox,
 * to be published after the commit. `conversation` must be locked (select ... for update) by the
 * caller. Undefined when a WhatsApp message with this id is already stored (Meta redelivers).
 */
export async function insertMessage(
  tx: Tx,
  conversation: Conversation,
  input: MessageInsert,
  outbox: Outbox,
  actorUserId: string | null = null,
): Promise<InsertedMessage | undefined> {
  const { tenantId } = conversation;
  const media = await findAttachableMedia(tx, tenantId, input.attachmentIds ?? [], input.attachedBy);
  const createdAt = input.createdAt ?? new Date();
  const outbound = goesToWhatsapp(conversation, input);
  const [row] = await tx
    .insert(messages)
    .values({
      id: uuidv7(),
      tenantId,
      conversationId: conversation.id,
      senderType: input.senderType,
      senderUserId: input.senderUserId ?? null,
      senderBotId: input.senderBotId ?? null,
      type: input.type ?? media[0]?.kind ?? 'text',
      body: input.body ?? null,
      content: input.content ?? {},
      private: input.private ?? false,
      replyToId: input.replyToId ?? null,
      whatsappMessageId: input.whatsappMessageId ?? null,
      whatsappStatus: outbound ? 'pending' : (input.whatsappStatus ?? null),
      createdAt,
    })
    .onConflictDoNothing({ target: [messages.tenantId, messages.whatsappMessageId] })
    .returning();
  if (!row) return undefined;
  await attachMedia(tx, { tenantId, messageId: row.id }, media);
  if (outbound) {
    // Same transaction: a committed pending message always has its job, a rolled-back one never.
    if (!input.enqueueSend) throw new Error('insertMessage: a message for WhatsApp needs enqueueSend');
    await input.enqueueSend(tx, row);
  }

  const inbound = input.senderType === 'contact';
  const newest = conversation.lastMessageId === null || createdAt >= conversation.lastMessageAt;
  const opensWindow =
    inbound && (conversation.lastInboundAt === null || createdAt >= conversation.lastInboundAt);
  const change = inbound
    ? reopenOnInbound(conversation)
    : activateOnAct(conversation, { userId: row.senderUserId, botId: row.senderBotId });
  await tx
    .update(conversations)
    .set({
      ...(newest ? { lastMessageId: row.id, lastMessageAt: createdAt } : {}),
      ...(inbound ? { unreadCount: sql`${conversations.unreadCount} + 1`, read: false } : {}),
      ...(opensWindow
        ? { lastInboundAt: createdAt, windowExpiresAt: new Date(createdAt.getTime() + WINDOW_MS) }
        : {}),
      ...(change ? statusColumns(change.status) : {}),
      ...(change?.clearAssignee ? { assignedUserId: null, assignedBotId: null } : {}),
    })
    .where(and(eq(conversations.id, conversation.id), eq(conversations.tenantId, tenantId)));
  if (change) {
    await recordConversationEvent(tx, conversation, {
      kind: change.kind,
      actorUserId,
      from: assigneeOf(conversation),
      ...(change.clearAssignee ? { to: { userId: null, botId: null } } : {}),
      fromStatus: conversation.status,
      toStatus: change.status,
    });
  }

  const message = await newMessageDto(tx, row, media.length > 0);
  const conversationDto = await loadConversationDto(tx, tenantId, conversation.id, message);
  const source = { tenantId, userId: actorUserId };
  outbox.push(
    domainEvent(DomainEventType.MessageCreated, source, message),
    domainEvent(DomainEventType.ConversationUpdated, source, conversationDto, conversation),
  );
  if (change) outbox.push(domainEvent(DomainEventType.ConversationStatusChanged, source, conversationDto));
  return { message, conversation: conversationDto };
}
