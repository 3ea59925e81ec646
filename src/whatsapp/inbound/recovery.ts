import { and, asc, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookEvents } from '../../features/webhooks/webhooks.table.js';
import type { Queue } from '../../platform/queue.js';
import { WhatsappQueue } from '../queues.js';

/** An event this long without being processed has lost its job (intake always enqueues one). */
export const STUCK_AFTER_MS = 5 * 60_000;
/** Every five minutes, once across all instances (pg-boss cron). */
export const SWEEP_CRON = '*/5 * * * *';
const SWEEP_BATCH = 500;
const LIVE_STATES = new Set(['created', 'retry', 'active']);

/**
 * Re-enqueues events still `received`/`processing` long after they arrived and without a live
 * job (a worker killed mid-processing whose job is gone, a lost job). An event whose job still
 * waits, retries or runs is left to it: pg-boss retries the job of a dead worker once its heartbeat
 * is stale (QUEUE_HEARTBEAT_SECONDS).
 * Jobs are keyed by event id, and processing is idempotent should two ever overlap.
 */
export async function requeueStuckEvents(
  db: Db,
  queue: Queue,
  olderThanMs = STUCK_AFTER_MS,
  now = new Date(),
): Promise<number> {
  const stuck = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(
      and(
        inArray(webhookEvents.status, ['received', 'processing']),
        isNotNull(webhookEvents.tenantId),
        lt(webhookEvents.receivedAt, new Date(now.getTime() - olderThanMs)),
      ),
    )
    .orderBy(asc(webhookEvents.receivedAt))
    .limit(SWEEP_BATCH);
  let requeued = 0;
  for (const { id } of stuck) {
    const jobs = await queue.boss.findJobs(WhatsappQueue.Webhook, { key: id });
    if (jobs.some((j) => LIVE_STATES.has(j.state))) continue;
    await queue.send(WhatsappQueue.Webhook, { eventId: id }, { singletonKey: id });
    requeued += 1;
  }
  return requeued;
}
