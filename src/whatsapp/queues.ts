import type { QueueDefinition } from '../platform/queue.js';
import { outboundQueues } from './outbound/outbound-queues.js';

/** Queue names of the WhatsApp pipeline. */
export const WhatsappQueue = {
  Webhook: 'whatsapp-webhook',
  /** Downloads one inbound media file from Graph and attaches it to its message. */
  MediaFetch: 'whatsapp-media-fetch',
  /** Re-enqueues webhook events whose job was lost (cron). */
  WebhookSweep: 'whatsapp-webhook-sweep',
} as const;

/** Processing attempts of one webhook event before it is parked as `failed` for an admin to replay. */
export const WEBHOOK_MAX_ATTEMPTS = 10;

/** Retries of an inbound media download (Graph hands out a fresh URL on each; media ids live 7 days). */
export const MEDIA_FETCH_RETRIES = 10;

export const whatsappQueues: QueueDefinition[] = [
  ...outboundQueues,
  // Backoff from 2 s; pg-boss counts retries, the event row counts attempts for the dead-letter list.
  {
    name: WhatsappQueue.Webhook,
    retryLimit: WEBHOOK_MAX_ATTEMPTS - 1,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 600,
  },
  {
    name: WhatsappQueue.MediaFetch,
    retryLimit: MEDIA_FETCH_RETRIES,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
  },
  { name: WhatsappQueue.WebhookSweep, retryLimit: 1, expireInSeconds: 300 },
];
