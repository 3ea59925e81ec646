import { and, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookEvents, type WebhookEventStatus } from './webhooks.table.js';

export const WEBHOOK_RETENTION_QUEUE = 'webhook-events.purge';
/** Hourly, at a minute other hourly jobs are unlikely to pick; once across all instances (pg-boss cron). */
export const WEBHOOK_RETENTION_CRON = '43 * * * *';
/** Rows per delete: short statements, so the purge never holds locks the intake waits on. */
const BATCH = 500;
/**
 * Events nothing will process again. Failed ones wait for an admin to replay or discard them;
 * received/processing ones are still in flight (the recovery sweep re-enqueues those).
 */
const PURGED: WebhookEventStatus[] = ['processed', 'unmatched'];

/** Deletes processed and unmatched events received before `olderThan`; returns how many. */
export async function purgeWebhookEvents(db: Db, olderThan: Date): Promise<number> {
  const expired = and(inArray(webhookEvents.status, PURGED), lt(webhookEvents.receivedAt, olderThan));
  let total = 0;
  for (;;) {
    const batch = db.select({ id: webhookEvents.id }).from(webhookEvents).where(expired).limit(BATCH);
    // The condition again on the delete: an event replayed meanwhile stays.
    const gone = await db
      .delete(webhookEvents)
      .where(and(inArray(webhookEvents.id, batch), expired))
      .returning({ id: webhookEvents.id });
    total += gone.length;
    if (gone.length < BATCH) return total;
  }
}
