import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { conversationVisibility } from './conversation-access.js';
import { conversations, type Conversation } from './conversations.table.js';

/** The tenant's conversations the caller may see. */
export const visibleConversations = (ctx: RequestContext) =>
  and(eq(conversations.tenantId, ctx.tenantId), conversationVisibility(ctx));

/**
 * One conversation the caller may see, else 404 (another tenant's or a hidden one alike).
 * `lock` takes the row lock that serialises writers of the same conversation.
 */
export async function findVisibleConversation(
  exec: Executor,
  ctx: RequestContext,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Conversation> {
  const query = exec
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), visibleConversations(ctx)));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row) throw notFound('Conversation');
  return row;
}
