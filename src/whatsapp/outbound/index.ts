import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { ConversationDto } from '../../features/conversations/conversations.schema.js';
import type { MessageDto } from '../../features/messages/messages.schema.js';
import { createMessageService } from '../../features/messages/messages.service.js';
import { DomainEventType } from '../../platform/event-types.js';
import { createOutboundJobs } from './enqueue.js';
import { createGraphClient } from './graph-client.js';
import type { OutboundDeps } from './outbound-deps.js';
import { OutboundQueue } from './outbound-queues.js';
import { createPacer } from './pacing.js';
import { createReactionJob } from './reaction-job.js';
import { createReadReceiptJob, enqueueReadReceipt } from './read-receipt.js';
import { createSendDeadLetterJob } from './send-dead-letter.js';
import { createSendJob } from './send-job.js';
import { sendWrapperRoutes } from './send-wrappers.routes.js';
import { createSendWrappers } from './send-wrappers.service.js';

/**
 * Parallel sends per instance; the pacer, not this, holds each number to its rate. A send waits
 * ~100 ms on Graph and the database, so 16 keep up with the default pace (80/s) with room to spare.
 */
const SEND_CONCURRENCY = 16;
/** Half a second between polls: a retry due after 1-2 s starts within 2.5 s. */
const POLL_SECONDS = 0.5;

export const graphClientOf = (deps: AppDeps) =>
  createGraphClient({ baseUrl: deps.config.whatsapp.baseUrl, timeoutMs: deps.config.whatsapp.httpTimeoutMs });

export function outboundDeps(deps: AppDeps): OutboundDeps {
  return {
    db: deps.database.db,
    events: deps.events,
    secrets: deps.secrets,
    storage: deps.storage,
    graph: graphClientOf(deps),
    pacer: createPacer({
      store: deps.platform.rateLimitStore,
      ratePerSecond: deps.config.whatsapp.sendRatePerSecond,
    }),
    queue: deps.queue,
    confirmGraceMs: deps.config.whatsapp.sendConfirmGraceMs,
    logger: deps.logger,
  };
}

/** The send workers, and read receipts after an agent read a conversation. */
export async function startOutbound(deps: AppDeps): Promise<void> {
  const d = outboundDeps(deps);
  const polling = { pollingIntervalSeconds: POLL_SECONDS };
  await deps.queue.work(OutboundQueue.Send, createSendJob(d), {
    ...polling,
    localConcurrency: SEND_CONCURRENCY,
  });
  await deps.queue.work(OutboundQueue.Reaction, createReactionJob(d), polling);
  await deps.queue.work(OutboundQueue.ReadReceipt, createReadReceiptJob(d), polling);
  await deps.queue.work(OutboundQueue.SendDeadLetter, createSendDeadLetterJob(d), polling);
  // The send job was enqueued in the message's transaction; message.created comes after its commit.
  deps.events.subscribe(DomainEventType.MessageCreated, (event) => {
    if ((event.payload as MessageDto).whatsapp_status === 'pending') deps.queue.wake(OutboundQueue.Send);
  });
  deps.events.subscribe(DomainEventType.ConversationRead, async (event) => {
    if (!event.actorUserId) return;
    const conversation = event.payload as ConversationDto;
    await enqueueReadReceipt(deps.database.db, deps.queue, {
      tenantId: event.tenantId,
      id: conversation.id,
      integrationId: conversation.integration_id,
    });
  });
}

/** `POST /meta-whatsapp/webhook/send-message` and `/send-media`. */
export function outboundRoutes(deps: AppDeps): FastifyPluginAsync {
  const messages = createMessageService({
    db: deps.database.db,
    events: deps.events,
    outbound: createOutboundJobs(deps.queue),
  });
  return sendWrapperRoutes(createSendWrappers({ db: deps.database.db, messages }));
}
