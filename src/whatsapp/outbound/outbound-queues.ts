import type { QueueDefinition } from '../../platform/queue.js';
import { SEND_RETRY } from './retry-policy.js';

/** Queue names of outbound WhatsApp traffic. */
export const OutboundQueue = {
  /** One job per outbound message, its id being the message id. */
  Send: 'whatsapp-send',
  /** Brings the business's reaction on a WhatsApp message in line with the inbox. */
  Reaction: 'whatsapp-send-reaction',
  /** One read receipt for the newest inbound message of a conversation an agent read. */
  ReadReceipt: 'whatsapp-send-read',
  /** Send jobs that failed for good without recording an outcome (send-dead-letter.ts). */
  SendDeadLetter: 'whatsapp-send-dead',
} as const;

/**
 * Sends may wait for the pacer and upload media before their Graph call; five minutes is far beyond
 * that. A job whose process died comes back sooner, once its heartbeat is stale
 * (QUEUE_HEARTBEAT_SECONDS), and send-job.ts judges the claim it left.
 */
const SEND_EXPIRE_SECONDS = 300;

/** A read receipt is worth little once old: a few quick retries. */
export const READ_RECEIPT_RETRY = {
  retryLimit: 5,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 60,
} as const;

export const outboundQueues: QueueDefinition[] = [
  { name: OutboundQueue.SendDeadLetter, ...READ_RECEIPT_RETRY },
  {
    name: OutboundQueue.Send,
    ...SEND_RETRY,
    expireInSeconds: SEND_EXPIRE_SECONDS,
    deadLetter: OutboundQueue.SendDeadLetter,
  },
  { name: OutboundQueue.Reaction, ...SEND_RETRY, expireInSeconds: SEND_EXPIRE_SECONDS },
  { name: OutboundQueue.ReadReceipt, ...READ_RECEIPT_RETRY },
];
