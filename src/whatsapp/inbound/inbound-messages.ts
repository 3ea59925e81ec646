import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { loadConversationDto } from '../../features/conversations/conversation-dto.js';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { toMessageDtoOne } from '../../features/messages/message-dto.js';
import { insertMessage } from '../../features/messages/message-insert.js';
import { messages } from '../../features/messages/messages.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import { WhatsappQueue } from '../queues.js';
import { applyPendingStatuses } from '../statuses.js';
import type { ParsedMessage } from '../webhook-parser.js';
import { announceContact, changeContactNumber, upsertInboundContact } from './inbound-contacts.js';
import { findOrOpenConversation } from './inbound-conversations.js';
import type { MediaFetchJob } from './media-fetch.js';
import { applyReaction } from './inbound-reactions.js';
import { describeItem, errorCodes, type ItemHandler } from './item-context.js';

/** Our id of a stored WhatsApp message, tenant-scoped. */
async function messageIdOf(tx: Tx, tenantId: string, wamid: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.whatsappMessageId, wamid)));
  return row?.id;
}

function mediaJob(
  tenantId: string,
  integrationId: string,
  messageId: string,
  m: ParsedMessage,
): MediaFetchJob | undefined {
  if (!m.media) return undefined;
  return {
    tenantId,
    integrationId,
    messageId,
    mediaId: m.media.mediaId,
    kind: m.media.kind,
    url: m.media.url,
    sha256: m.media.sha256,
    filename: m.media.filename,
  };
}

/**
 * A customer's message: contact, conversation, the message at Meta's time, then what hangs on
 * it (statuses that came early, a number change, the media download). A wamid already stored
 * means Meta redelivered it: nothing happens.
 */
export const applyMessage: ItemHandler<'message'> = async (tx, outbox, ctx, item) => {
  const m = item.message;
  if (!item.contact.waId && !item.contact.userId) {
    ctx.notes.push(`${describeItem(item)}: no sender (neither wa_id nor user id), not stored`);
    return;
  }
  if (m.type === 'reaction') return applyReaction(tx, outbox, ctx, item);
  if (await messageIdOf(tx, ctx.tenantId, m.wamid)) return;
  if (!ctx.integrationId) {
    ctx.notes.push(`${describeItem(item)}: the number is no longer connected, not stored`);
    return;
  }
  const { tenantId, integrationId } = ctx;
  const upsert = await upsertInboundContact(tx, tenantId, item.contact);
  await announceContact(tx, outbox, upsert);
  const { conversation, created } = await findOrOpenConversation(
    tx,
    tenantId,
    upsert.contact.id,
    integrationId,
  );

  const mark = outbox.length;
  // WhatsApp's own notices (number or identity changed) are `system` messages: kept in the thread,
  // but they neither count as unread nor open the 24-hour window, and never reopen a closed one.
  const inserted = await insertMessage(
    tx,
    conversation,
    {
      senderType: m.type === 'system' ? 'system' : 'contact',
      type: m.type,
      body: m.body,
      content: m.content,
      whatsappMessageId: m.wamid,
      createdAt: m.timestamp,
      // An unknown quoted message stays in content.context.
      replyToId: m.replyToWamid ? ((await messageIdOf(tx, tenantId, m.replyToWamid)) ?? null) : null,
    },
    outbox,
  );
  if (created) {
    const dto = inserted?.conversation ?? (await loadConversationDto(tx, tenantId, conversation.id));
    outbox.splice(mark, 0, domainEvent(DomainEventType.ConversationCreated, { tenantId }, dto));
  }
  if (!inserted) return; // a concurrent delivery of the same wamid won

  const statused = await applyPendingStatuses(tx, tenantId, m.wamid);
  if (statused) {
    outbox.push(
      domainEvent(DomainEventType.MessageStatus, { tenantId }, await toMessageDtoOne(tx, statused)),
    );
  }
  if (m.numberChange) {
    const changed = await changeContactNumber(tx, upsert.contact, m.numberChange, ctx.notes);
    if (changed) await announceContact(tx, outbox, { contact: changed, change: 'updated' });
  }
  if (m.errors.length) ctx.notes.push(`${describeItem(item)}: ${errorCodes(m.errors)}`);
  const job = mediaJob(tenantId, integrationId, inserted.message.id, m);
  if (job) {
    await ctx.queue.send(WhatsappQueue.MediaFetch, job, {
      tx,
      singletonKey: `${job.messageId}:${job.mediaId}`,
    });
  }
};
