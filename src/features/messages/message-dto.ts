import { asc, getTableColumns, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { isoDate } from '../../http/schemas.js';
import { loadAttachments } from './message-attachments.js';
import type { MessageDto, ReactionDto } from './messages.schema.js';
import { messageReactions, messages, type Message } from './messages.table.js';

/** A message as read back: everything but the search vector, which only the database uses. */
export type MessageRow = Omit<Message, 'searchVector'>;
const { searchVector: _searchVector, ...readable } = getTableColumns(messages);
/** The columns of `MessageRow`, for selects. */
export const messageColumns = readable;

async function loadReactions(exec: Executor, messageIds: readonly string[]) {
  const byMessage = new Map<string, ReactionDto[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await exec
    .select()
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, [...messageIds]))
    .orderBy(asc(messageReactions.createdAt), asc(messageReactions.id));
  for (const r of rows) {
    const list = byMessage.get(r.messageId) ?? [];
    list.push({ emoji: r.emoji, sender_type: r.senderType, sender_id: r.senderId });
    byMessage.set(r.messageId, list);
  }
  return byMessage;
}

function toMessageDto(
  m: MessageRow,
  attachments: MessageDto['attachments'],
  reactions: ReactionDto[],
): MessageDto {
  // A deleted message keeps its row (history, replies) but shows nothing of what it said.
  const gone = m.deletedAt !== null;
  return {
    id: m.id,
    conversation_id: m.conversationId,
    sender_type: m.senderType,
    sender_user_id: m.senderUserId,
    sender_bot_id: m.senderBotId,
    type: m.type,
    body: gone ? null : m.body,
    private: m.private,
    reply_to_id: m.replyToId,
    content: gone ? {} : m.content,
    attachments: gone ? [] : attachments,
    reactions: gone ? [] : reactions,
    whatsapp_message_id: m.whatsappMessageId,
    whatsapp_status: m.whatsappStatus,
    error: m.error ?? null,
    created_at: m.createdAt.toISOString(),
    delivered_at: isoDate(m.deliveredAt),
    read_at: isoDate(m.readAt),
    edited_at: isoDate(m.editedAt),
    deleted_at: isoDate(m.deletedAt),
  };
}

/** Messages as the API shows them; attachments and reactions of the whole batch in two queries. */
export async function toMessageDtos(exec: Executor, rows: readonly MessageRow[]): Promise<MessageDto[]> {
  const ids = rows.map((m) => m.id);
  const [attachments, reactions] = await Promise.all([loadAttachments(exec, ids), loadReactions(exec, ids)]);
  return rows.map((m) => toMessageDto(m, attachments.get(m.id) ?? [], reactions.get(m.id) ?? []));
}

export async function toMessageDtoOne(exec: Executor, row: MessageRow): Promise<MessageDto> {
  const [dto] = await toMessageDtos(exec, [row]);
  return dto!;
}

/**
 * A message inserted in this transaction: it has no reactions yet, and attachments only when media
 * was attached to it, so most inserts (text, and inbound media before its download) need no query.
 */
export async function newMessageDto(exec: Executor, row: MessageRow, attached: boolean): Promise<MessageDto> {
  return attached ? toMessageDtoOne(exec, row) : toMessageDto(row, [], []);
}
