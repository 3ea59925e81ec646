import { createHash } from 'node:crypto';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import type { Db } from '../../db/client.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { messages } from '../../features/messages/messages.table.js';
import type { Queue } from '../../platform/queue.js';
import { readReceiptBody } from './bodies.js';
import { createGraphAttempt } from './graph-attempt.js';
import type { OutboundDeps } from './outbound-deps.js';
import { OutboundQueue, READ_RECEIPT_RETRY } from './outbound-queues.js';

export interface ReadReceiptJobData {
  tenantId: string;
  integrationId: string;
  wamid: string;
}

/** A job id derived from the wamid: the same message is marked read on WhatsApp at most once. */
function jobIdOf(tenantId: string, wamid: string): string {
  const h = createHash('sha256').update(`read:${tenantId}:${wamid}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * After an agent read a conversation (the `conversation.read` event, so after the commit): one
 * read receipt for its newest inbound message, which WhatsApp applies to every earlier one too.
 */
export async function enqueueReadReceipt(
  db: Db,
  queue: Queue,
  conversation: { tenantId: string; id: string; integrationId: string | null },
): Promise<void> {
  if (!conversation.integrationId) return;
  const [newest] = await db
    .select({ wamid: messages.whatsappMessageId })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversation.id),
        eq(messages.tenantId, conversation.tenantId),
        eq(messages.senderType, 'contact'),
        isNotNull(messages.whatsappMessageId),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  if (!newest?.wamid) return;
  const data: ReadReceiptJobData = {
    tenantId: conversation.tenantId,
    integrationId: conversation.integrationId,
    wamid: newest.wamid,
  };
  await queue.send(OutboundQueue.ReadReceipt, data, { id: jobIdOf(conversation.tenantId, newest.wamid) });
}

export function createReadReceiptJob(d: OutboundDeps) {
  const attempt = createGraphAttempt(d);

  return async function markRead(job: Job<ReadReceiptJobData>): Promise<void> {
    const { tenantId, integrationId, wamid } = job.data;
    const [integration] = await d.db
      .select()
      .from(whatsappIntegrations)
      .where(and(eq(whatsappIntegrations.id, integrationId), eq(whatsappIntegrations.tenantId, tenantId)));
    if (!integration) return;
    await attempt(job, READ_RECEIPT_RETRY.retryLimit, integration, () => readReceiptBody(wamid));
  };
}
