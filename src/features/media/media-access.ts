import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { conversationVisibility, seesAllConversations } from '../conversations/conversation-access.js';
import { conversations } from '../conversations/conversations.table.js';
import { mayDeleteMessage } from '../messages/message-rights.js';
import { messageAttachments, messages } from '../messages/messages.table.js';
import { mediaObjects, type MediaObject } from './media.table.js';

/**
 * Whether the caller may delete a media object it can see: an unattached upload is its uploader's
 * (findVisibleMedia shows it to nobody else but moderators); an attached one only by whoever may
 * delete every message carrying it.
 */
export async function mayDeleteMedia(exec: Executor, ctx: RequestContext, media: MediaObject) {
  if (media.attachedAt === null) return true;
  const carriers = await exec
    .select({ senderType: messages.senderType, senderUserId: messages.senderUserId })
    .from(messageAttachments)
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .where(and(eq(messageAttachments.mediaId, media.id), eq(messageAttachments.tenantId, ctx.tenantId)));
  return carriers.every((m) => mayDeleteMessage(ctx, m));
}

/** An upload not yet attached is its uploader's (and a moderator's) until a message carries it. */
export const mayUseUpload = (
  ctx: Pick<RequestContext, 'userId' | 'permissions'>,
  media: Pick<MediaObject, 'uploadedByUserId'>,
) => seesAllConversations(ctx) || media.uploadedByUserId === ctx.userId;

/**
 * A media object of the caller's tenant that the caller may see: everything with
 * conversations:read_all; otherwise their own uploads not yet attached, and files attached to a
 * message of a conversation they can see (the privacy rule). Undefined means 404.
 */
export async function findVisibleMedia(
  exec: Executor,
  ctx: RequestContext,
  id: string,
): Promise<MediaObject | undefined> {
  const [row] = await exec
    .select()
    .from(mediaObjects)
    .where(and(eq(mediaObjects.id, id), eq(mediaObjects.tenantId, ctx.tenantId)));
  if (!row || seesAllConversations(ctx)) return row;
  if (row.attachedAt === null) return mayUseUpload(ctx, row) ? row : undefined;
  const [seen] = await exec
    .select({ id: messageAttachments.id })
    .from(messageAttachments)
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messageAttachments.mediaId, id),
        eq(messageAttachments.tenantId, ctx.tenantId),
        eq(conversations.tenantId, ctx.tenantId),
        conversationVisibility(ctx),
      ),
    )
    .limit(1);
  return seen ? row : undefined;
}
