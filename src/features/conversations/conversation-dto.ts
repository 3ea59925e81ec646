import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { notFound } from '../../http/errors.js';
import { isoDate } from '../../http/schemas.js';
import { contacts } from '../contacts/contacts.table.js';
import { messageColumns, toMessageDtos, type MessageRow } from '../messages/message-dto.js';
import type { MessageDto } from '../messages/messages.schema.js';
import { messages } from '../messages/messages.table.js';
import type { ConversationDto } from './conversations.schema.js';
import { conversations, type Conversation } from './conversations.table.js';
import { exactTime } from './keyset.js';

export interface ConversationRow {
  conversation: Conversation;
  contact: { id: string; name: string | null; phoneNumber: string | null; externalId: string | null };
  lastMessage: MessageRow | null;
  /** last_message_at to the microsecond, for keyset cursors. */
  sortTime: string;
}

/**
 * Conversations with their contact and last message in ONE query (the last message is a join on
 * last_message_id, kept by every insert), so a page never costs a query per row.
 */
export const selectConversations = (exec: Executor) =>
  exec
    .select({
      conversation: conversations,
      contact: {
        id: contacts.id,
        name: contacts.name,
        phoneNumber: contacts.phoneNumber,
        externalId: contacts.externalId,
      },
      lastMessage: messageColumns,
      sortTime: exactTime(conversations.lastMessageAt),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(messages, eq(messages.id, conversations.lastMessageId))
    .$dynamic();

function toConversationDto(row: ConversationRow, lastMessage: MessageDto | null): ConversationDto {
  const c = row.conversation;
  return {
    id: c.id,
    contact: {
      id: row.contact.id,
      name: row.contact.name,
      phone_number: row.contact.phoneNumber,
      external_id: row.contact.externalId,
    },
    integration_id: c.integrationId,
    status: c.status,
    assigned_user_id: c.assignedUserId,
    assigned_bot_id: c.assignedBotId,
    unread_count: c.unreadCount,
    read: c.read,
    priority: c.priority,
    window_expires_at: isoDate(c.windowExpiresAt),
    last_message: lastMessage,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/** A page of rows as the API shows them: the last messages' attachments and reactions in two queries. */
export async function toConversationDtos(
  exec: Executor,
  rows: readonly ConversationRow[],
  known: readonly MessageDto[] = [],
): Promise<ConversationDto[]> {
  const dtos = new Map(known.map((m) => [m.id, m]));
  const last = rows.flatMap((r) => (r.lastMessage && !dtos.has(r.lastMessage.id) ? [r.lastMessage] : []));
  for (const m of await toMessageDtos(exec, last)) dtos.set(m.id, m);
  return rows.map((r) => toConversationDto(r, r.lastMessage ? (dtos.get(r.lastMessage.id) ?? null) : null));
}

/**
 * One conversation already known to be visible (after a write, or for an event payload).
 * `lastMessage`: a message DTO the caller just built, used when it is the last message.
 */
export async function loadConversationDto(
  exec: Executor,
  tenantId: string,
  id: string,
  lastMessage?: MessageDto,
): Promise<ConversationDto> {
  const rows = await selectConversations(exec).where(
    and(eq(conversations.id, id), eq(conversations.tenantId, tenantId)),
  );
  const [dto] = await toConversationDtos(exec, rows, lastMessage ? [lastMessage] : []);
  if (!dto) throw notFound('Conversation');
  return dto;
}
