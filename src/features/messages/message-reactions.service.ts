import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { DomainEventType } from '../../platform/event-types.js';
import { transactionWithEvents, type Outbox } from '../conversations/after-commit.js';
import { domainEvent } from '../conversations/domain-event.js';
import { toMessageDtoOne, type MessageRow } from './message-dto.js';
import { findVisibleMessage } from './message-lookup.js';
import type { MessagesDeps } from './messages.service.js';
import { messageReactions } from './messages.table.js';

/** One reaction per sender per message (as on WhatsApp): a new emoji replaces the caller's old one. */
export function createMessageReactionsService({ db, events, outbound }: MessagesDeps) {
  const transaction = transactionWithEvents(db, events);

  async function announce(tx: Tx, outbox: Outbox, ctx: RequestContext, message: MessageRow) {
    const dto = await toMessageDtoOne(tx, message);
    outbox.push(domainEvent(DomainEventType.MessageReaction, ctx, dto));
    return dto;
  }

  return {
    react: (ctx: RequestContext, messageId: string, emoji: string) =>
      transaction(async (tx, outbox) => {
        const message = await findVisibleMessage(tx, ctx, messageId, { lock: true });
        if (message.deletedAt) throw badRequest('A deleted message cannot be reacted to');
        await tx
          .insert(messageReactions)
          .values({ tenantId: ctx.tenantId, messageId, emoji, senderType: 'user', senderId: ctx.userId })
          .onConflictDoUpdate({
            target: [messageReactions.messageId, messageReactions.senderType, messageReactions.senderId],
            set: { emoji, createdAt: new Date() },
          });
        await outbound?.reaction(tx, message);
        return announce(tx, outbox, ctx, message);
      }),

    unreact: (ctx: RequestContext, messageId: string, emoji: string) =>
      transaction(async (tx, outbox) => {
        const message = await findVisibleMessage(tx, ctx, messageId, { lock: true });
        const removed = await tx
          .delete(messageReactions)
          .where(
            and(
              eq(messageReactions.messageId, messageId),
              eq(messageReactions.tenantId, ctx.tenantId),
              eq(messageReactions.senderType, 'user'),
              eq(messageReactions.senderId, ctx.userId),
              eq(messageReactions.emoji, emoji),
            ),
          )
          .returning({ id: messageReactions.id });
        if (removed.length === 0) throw notFound('Reaction');
        await outbound?.reaction(tx, message);
        return announce(tx, outbox, ctx, message);
      }),
  };
}

export type MessageReactionsService = ReturnType<typeof createMessageReactionsService>;
