/**
 * The row-state transitions of an outbound message's send (see send-job.ts for why they are split
 * this way). Each one is conditional, so a late or repeated writer changes nothing it should not,
 * and each change of whatsapp_status publishes `message.status` with the REST message after commit.
 */
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { transactionWithEvents } from '../../features/conversations/after-commit.js';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { toMessageDtoOne, type MessageRow } from '../../features/messages/message-dto.js';
import { messages, type Message, type MessageError } from '../../features/messages/messages.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import { applyPendingStatuses } from '../statuses.js';

type Target = Pick<MessageRow, 'id' | 'tenantId'>;

const rowOf = (m: Target, ...more: (SQL | undefined)[]) =>
  and(eq(messages.id, m.id), eq(messages.tenantId, m.tenantId), ...more);

/** Still waiting for its (first) hand-over to Meta. */
const unsent = and(eq(messages.whatsappStatus, 'pending'), isNull(messages.whatsappMessageId));

export function createSendState(db: Db, events: DomainEvents) {
  const transaction = transactionWithEvents(db, events);

  async function announce(exec: Executor, row: Message) {
    const dto = await toMessageDtoOne(exec, row);
    return domainEvent(DomainEventType.MessageStatus, { tenantId: row.tenantId }, dto);
  }

  return {
    /**
     * Marks the hand-over as started, committed on its own before the Graph call: `sent_at` set
     * while still pending and without a wamid. Returns the claim (its own timestamp, which later
     * updates match on) or undefined when the row is no longer a pending, unclaimed message.
     */
    async claim(m: Target): Promise<Date | undefined> {
      const at = new Date();
      const [row] = await db
        .update(messages)
        .set({ sentAt: at })
        .where(rowOf(m, unsent, isNull(messages.sentAt)))
        .returning({ id: messages.id });
      return row ? at : undefined;
    },

    /** Meta said no for now: the next attempt may hand it over again. */
    async release(m: Target, claim: Date): Promise<void> {
      await db
        .update(messages)
        .set({ sentAt: null })
        .where(rowOf(m, unsent, eq(messages.sentAt, claim)));
    },

    /**
     * Meta accepted it: the wamid is stored and statuses that beat us here are applied, in one
     * transaction. Matches the claim, not the status, so a late answer also repairs a message an
     * earlier attempt had given up on as unconfirmed.
     */
    recordSent: (m: Target, claim: Date, wamid: string) =>
      transaction(async (tx, outbox) => {
        const [row] = await tx
          .update(messages)
          .set({ whatsappMessageId: wamid, whatsappStatus: 'sent', error: null, updatedAt: new Date() })
          .where(rowOf(m, isNull(messages.whatsappMessageId), eq(messages.sentAt, claim)))
          .returning();
        if (!row) return;
        const latest = (await applyPendingStatuses(tx, m.tenantId, wamid)) ?? row;
        outbox.push(await announce(tx, latest));
      }),

    /**
     * Gives up on a message still waiting for Meta: the one holding `claim`, or an unclaimed one.
     * `keepClaim` keeps sent_at (the hand-over may have happened); otherwise it is cleared, since
     * Meta never took the message.
     */
    recordFailed: (m: Target, error: MessageError, o: { claim?: Date; keepClaim?: boolean } = {}) =>
      transaction(async (tx, outbox) => {
        const [row] = await tx
          .update(messages)
          .set({
            whatsappStatus: 'failed',
            error,
            ...(o.keepClaim ? {} : { sentAt: null }),
            updatedAt: new Date(),
          })
          .where(rowOf(m, unsent, o.claim ? eq(messages.sentAt, o.claim) : isNull(messages.sentAt)))
          .returning();
        if (row) outbox.push(await announce(tx, row));
      }),
  };
}

export type SendState = ReturnType<typeof createSendState>;
