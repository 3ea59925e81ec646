import type { OutboundJobs } from '../../features/messages/messages.service.js';
import type { Queue } from '../../platform/queue.js';
import { OutboundQueue } from './outbound-queues.js';
import type { ReactionJobData } from './reaction-job.js';
import type { SendJobData } from './send-job.js';

/**
 * The jobs the messages feature enqueues in its own transactions. A send job's id is its message's
 * id: pg-boss keeps one job per (queue, id), so enqueuing a message twice is a no-op, and the row's
 * state makes re-running that one job harmless (send-job.ts).
 */
export function createOutboundJobs(queue: Queue): OutboundJobs {
  return {
    async message(tx, m) {
      const data: SendJobData = { tenantId: m.tenantId, messageId: m.id };
      await queue.send(OutboundQueue.Send, data, { tx, id: m.id, singletonKey: m.id });
    },
    async reaction(tx, m) {
      if (!m.whatsappMessageId) return;
      const data: ReactionJobData = { tenantId: m.tenantId, messageId: m.id };
      await queue.send(OutboundQueue.Reaction, data, { tx });
    },
  };
}
