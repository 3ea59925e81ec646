import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { visibleConversations } from '../conversations/conversation-lookup.js';
import { conversations } from '../conversations/conversations.table.js';
import { messageColumns, type MessageRow } from './message-dto.js';
import { messages } from './messages.table.js';

/** A message of a conversation the caller may see, else 404. `lock` serialises its writers. */
export async function findVisibleMessage(
  exec: Executor,
  ctx: RequestContext,
  id: string,
  options: { lock?: boolean } = {},
): Promise<MessageRow> {
  const query = exec
    .select({ message: messageColumns })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.id, id), eq(messages.tenantId, ctx.tenantId), visibleConversations(ctx)));
  const [row] = options.lock ? await query.for('update', { of: messages }) : await query;
  if (!row) throw notFound('Message');
  return row.message;
}
