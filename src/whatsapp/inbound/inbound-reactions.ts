import { and, eq } from 'drizzle-orm';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { messageColumns, toMessageDtoOne } from '../../features/messages/message-dto.js';
import { messageReactions, messages } from '../../features/messages/messages.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import { announceContact, upsertInboundContact } from './inbound-contacts.js';
import { describeItem, type ItemHandler } from './item-context.js';

/**
 * A reaction lands on its target's reactions (one per contact, as on WhatsApp); an empty or
 * missing emoji removes it. Meta's timestamp orders them: an older reaction delivered late never
 * replaces a newer one. A reaction to a message we do not have is kept on the raw event only.
 */
export const applyReaction: ItemHandler<'message'> = async (tx, outbox, ctx, item) => {
  const reaction = item.message.reaction;
  if (!reaction) {
    ctx.notes.push(`${describeItem(item)}: no target message, kept on the event only`);
    return;
  }
  const [target] = await tx
    .select(messageColumns)
    .from(messages)
    .where(and(eq(messages.tenantId, ctx.tenantId), eq(messages.whatsappMessageId, reaction.targetWamid)))
    .for('update');
  if (!target) {
    ctx.notes.push(
      `${describeItem(item)}: reaction to unknown message ${reaction.targetWamid}, kept on the event only`,
    );
    return;
  }
  const upsert = await upsertInboundContact(tx, ctx.tenantId, item.contact);
  await announceContact(tx, outbox, upsert);

  const mine = and(
    eq(messageReactions.messageId, target.id),
    eq(messageReactions.tenantId, ctx.tenantId),
    eq(messageReactions.senderType, 'contact'),
    eq(messageReactions.senderId, upsert.contact.id),
  );
  const [current] = await tx.select().from(messageReactions).where(mine);
  const at = item.message.timestamp;
  if (current && current.createdAt > at) return;
  const emoji = reaction.emoji;
  if (emoji) {
    if (current?.emoji === emoji) return;
    await tx
      .insert(messageReactions)
      .values({
        tenantId: ctx.tenantId,
        messageId: target.id,
        emoji,
        senderType: 'contact',
        senderId: upsert.contact.id,
        createdAt: at,
      })
      .onConflictDoUpdate({
        target: [messageReactions.messageId, messageReactions.senderType, messageReactions.senderId],
        set: { emoji, createdAt: at },
      });
  } else {
    if (!current) return;
    await tx.delete(messageReactions).where(mine);
  }
  outbox.push(
    domainEvent(
      DomainEventType.MessageReaction,
      { tenantId: ctx.tenantId },
      await toMessageDtoOne(tx, target),
    ),
  );
};
