import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { messages } from '../messages/messages.table.js';
import { conversations, type Conversation } from './conversations.table.js';

/**
 * Marks every unread contact message of the conversation read and clears its unread state, so the
 * counter and the messages never disagree. Returns how many messages it marked.
 */
export async function markConversationRead(
  tx: Executor,
  c: Pick<Conversation, 'id' | 'tenantId'>,
): Promise<number> {
  const marked = await tx
    .update(messages)
    .set({ readAt: new Date() })
    .where(
      and(
        eq(messages.conversationId, c.id),
        eq(messages.tenantId, c.tenantId),
        eq(messages.senderType, 'contact'),
        isNull(messages.readAt),
      ),
    )
    .returning({ id: messages.id });
  await tx
    .update(conversations)
    .set({ unreadCount: 0, read: true })
    .where(and(eq(conversations.id, c.id), eq(conversations.tenantId, c.tenantId)));
  return marked.length;
}
