import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import { transactionWithEvents } from '../../features/conversations/after-commit.js';
import { webhookEvents, type NewWebhookEvent } from '../../features/webhooks/webhooks.table.js';
import { eventLoopSlicer } from '../../platform/event-loop.js';
import type { DomainEvents } from '../../platform/events.js';
import type { Queue } from '../../platform/queue.js';
import { WEBHOOK_MAX_ATTEMPTS } from '../queues.js';
import { parseWebhook } from '../webhook-parser.js';
import { applyItem } from './apply-item.js';
import { describeItem, type ItemContext } from './item-context.js';

export interface WebhookProcessorDeps {
  db: Db;
  events: DomainEvents;
  queue: Queue;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Attempts before the event is parked as `failed` (default WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export type ProcessOutcome = 'processed' | 'failed' | 'skipped';

/** last_error is for people reading the dead-letter list, not a log. */
const NOTES_MAX_CHARS = 8_000;
const asText = (lines: string[]) => (lines.length ? lines.join('\n').slice(0, NOTES_MAX_CHARS) : null);
/** The database's own words, not the SQL around them (drizzle wraps them as the cause). */
function messageOf(err: unknown): string {
  let e = err;
  for (let depth = 0; depth < 5 && e instanceof Error && e.cause instanceof Error; depth++) e = e.cause;
  return (e instanceof Error ? e.message : String(e)).slice(0, 500);
}

export class WebhookEventError extends Error {
  override name = 'WebhookEventError';
}

/**
 * Processes one stored webhook event. Every update gets its own transaction (its domain events
 * are published when it commits) and the event row counts the attempts. Redelivery and
 * re-running are harmless: messages are unique by wamid, statuses only move forward, reactions
 * are one per contact. A failing update does not stop the others; it fails the attempt, so the
 * job retries with backoff, and after `maxAttempts` the event is parked as `failed`.
 * A batch of thousands of updates is worked through in slices that let the event loop run between
 * them, so other requests are answered while it is processed.
 */
export function createWebhookProcessor(d: WebhookProcessorDeps) {
  const maxAttempts = d.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS;
  const transaction = transactionWithEvents(d.db, d.events);

  /** Takes the event for this attempt; processed, failed and unmatched events are left alone. */
  async function claim(eventId: string) {
    const [event] = await d.db
      .update(webhookEvents)
      .set({ status: 'processing', attempts: sql`${webhookEvents.attempts} + 1` })
      .where(
        and(
          eq(webhookEvents.id, eventId),
          inArray(webhookEvents.status, ['received', 'processing']),
          isNotNull(webhookEvents.tenantId),
        ),
      )
      .returning();
    return event;
  }

  const finish = (eventId: string, patch: Partial<NewWebhookEvent>) =>
    d.db.update(webhookEvents).set(patch).where(eq(webhookEvents.id, eventId));

  return {
    async process(eventId: string): Promise<ProcessOutcome> {
      const event = await claim(eventId);
      if (!event?.tenantId) return 'skipped';
      const ctx: ItemContext = {
        tenantId: event.tenantId,
        integrationId: event.integrationId,
        queue: d.queue,
        notes: [],
      };
      const failures: string[] = [];
      const checkpoint = eventLoopSlicer();
      for (const item of parseWebhook(event.payload)) {
        await checkpoint();
        try {
          await transaction((tx, outbox) => applyItem(tx, outbox, ctx, item));
        } catch (err) {
          failures.push(`${describeItem(item)}: ${messageOf(err)}`);
          d.logger.warn({ err, eventId, update: describeItem(item) }, 'webhook update failed');
        }
      }
      if (ctx.notes.length) d.logger.info({ eventId, notes: ctx.notes }, 'webhook event notes');

      if (!failures.length) {
        await finish(eventId, { status: 'processed', processedAt: new Date(), lastError: asText(ctx.notes) });
        return 'processed';
      }
      const exhausted = event.attempts >= maxAttempts;
      await finish(eventId, {
        status: exhausted ? 'failed' : 'received',
        lastError: asText([...failures, ...ctx.notes]),
      });
      if (exhausted) {
        d.logger.error(
          { eventId, attempts: event.attempts },
          'webhook event failed for good (dead-letter list)',
        );
        return 'failed';
      }
      throw new WebhookEventError(
        `webhook event ${eventId}: ${failures.length} update(s) failed (attempt ${event.attempts} of ${maxAttempts})`,
      );
    },
  };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;
