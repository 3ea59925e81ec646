import { and, eq } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import { messages } from '../../features/messages/messages.table.js';
import { appError } from './graph-failures.js';
import type { OutboundDeps } from './outbound-deps.js';
import { UNCONFIRMED, type SendJobData } from './send-job.js';
import { createSendState } from './send-state.js';

export const NOT_SENT = appError(
  'Not sent',
  'The message could not be handed over to WhatsApp and no attempt was left; send it again',
);

/**
 * The send queue's dead letter. A send job records its own outcome, even on its last attempt;
 * one that fails for good without doing so (its process died during the last attempt, or an
 * unexpected error) lands here, so its message does not stay `pending` for ever. Unclaimed, it
 * never reached Meta: `failed`. Claimed, it may have: `failed` as not confirmed, keeping the claim,
 * so a status webhook that names it later still gives it its wamid (wamid-adoption.ts).
 */
export function createSendDeadLetterJob(d: Pick<OutboundDeps, 'db' | 'events' | 'logger'>) {
  const state = createSendState(d.db, d.events);
  return async function deadLetter(job: Job<SendJobData>): Promise<void> {
    const target = { id: job.data.messageId, tenantId: job.data.tenantId };
    const [row] = await d.db
      .select({
        status: messages.whatsappStatus,
        wamid: messages.whatsappMessageId,
        sentAt: messages.sentAt,
      })
      .from(messages)
      .where(and(eq(messages.id, target.id), eq(messages.tenantId, target.tenantId)));
    if (!row || row.status !== 'pending' || row.wamid) return;
    d.logger.warn({ messageId: target.id }, 'WhatsApp send job failed for good without an outcome');
    if (row.sentAt) await state.recordFailed(target, UNCONFIRMED, { claim: row.sentAt, keepClaim: true });
    else await state.recordFailed(target, NOT_SENT);
  };
}
