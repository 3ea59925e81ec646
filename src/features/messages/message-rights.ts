import type { RequestContext } from '../../http/context.js';
import { seesAllConversations } from '../conversations/conversation-access.js';

/**
 * Who may delete a message: its author, or whoever moderates every conversation. Deleting a file
 * attached to a message deletes part of that message, so media deletion asks the same question.
 */
export const mayDeleteMessage = (
  ctx: RequestContext,
  message: { senderType: string; senderUserId: string | null },
) => (message.senderType === 'user' && message.senderUserId === ctx.userId) || seesAllConversations(ctx);
