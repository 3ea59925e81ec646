import { and, count, desc, eq, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage } from '../../http/pagination.js';
import { isoDate } from '../../http/schemas.js';
import type { Queue } from '../../platform/queue.js';
import { WhatsappQueue } from '../../whatsapp/queues.js';
import { recordAudit } from '../audit/audit.service.js';
import type { WebhookEventDto, WebhookEventListQuery } from './webhooks.schema.js';
import { webhookEvents, type WebhookEvent, type WebhookEventStatus } from './webhooks.table.js';

/** Statuses of an event a worker may be holding: discarding it then would race the processing. */
const IN_FLIGHT: WebhookEventStatus[] = ['received', 'processing'];

export function toWebhookEventDto(e: WebhookEvent, includePayload = false): WebhookEventDto {
  return {
    id: e.id,
    status: e.status,
    attempts: e.attempts,
    last_error: e.lastError,
    phone_number_id: e.phoneNumberId,
    received_at: e.receivedAt.toISOString(),
    processed_at: isoDate(e.processedAt),
    ...(includePayload ? { payload: e.payload } : {}),
  };
}

/**
 * The tenant's raw webhook events: the dead-letter list (`status=failed`) and replay. Events of
 * unknown numbers belong to no tenant, so no one sees or replays them here (they are logged).
 */
export function createWebhookEventsService(db: Db, queue: Queue) {
  return {
    async list(ctx: RequestContext, q: WebhookEventListQuery) {
      const where = and(
        eq(webhookEvents.tenantId, ctx.tenantId),
        q.status ? eq(webhookEvents.status, q.status) : undefined,
      );
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(webhookEvents)
          .where(where)
          .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
          .limit(q.limit)
          .offset(offsetOf(q)),
        db.select({ n: count() }).from(webhookEvents).where(where),
      ]);
      return toPage(
        rows.map((e) => toWebhookEventDto(e, q.include_payload)),
        total?.n ?? 0,
        q,
      );
    },

    /**
     * Processes the event again from its stored payload: back to `received` with a fresh attempt
     * budget and a new job, in one transaction. The signature was verified when it arrived;
     * processing is idempotent, so replaying an event that had partly landed duplicates nothing.
     */
    replay: (ctx: RequestContext, id: string) =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .update(webhookEvents)
          .set({ status: 'received', attempts: 0, lastError: null, processedAt: null })
          .where(and(eq(webhookEvents.id, id), eq(webhookEvents.tenantId, ctx.tenantId)))
          .returning();
        if (!row) throw notFound('Webhook event');
        await queue.send(WhatsappQueue.Webhook, { eventId: id }, { tx, singletonKey: id });
        await recordAudit(tx, ctx, { action: 'replay', entityType: 'webhook_event', entityId: id });
        return toWebhookEventDto(row);
      }),

    /**
     * Deletes a stored event for good (a failed one nobody will replay; the retention purge
     * keeps failed events). One still in flight is 409: let it finish, then discard it.
     */
    discard: (ctx: RequestContext, id: string) =>
      db.transaction(async (tx) => {
        const mine = and(eq(webhookEvents.id, id), eq(webhookEvents.tenantId, ctx.tenantId));
        const [gone] = await tx
          .delete(webhookEvents)
          .where(and(mine, notInArray(webhookEvents.status, IN_FLIGHT)))
          .returning({ status: webhookEvents.status });
        if (!gone) {
          const [row] = await tx.select({ id: webhookEvents.id }).from(webhookEvents).where(mine);
          throw row ? conflict('The webhook event is still being processed') : notFound('Webhook event');
        }
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'webhook_event',
          entityId: id,
          changes: { status: gone.status },
        });
      }),
  };
}

export type WebhookEventsService = ReturnType<typeof createWebhookEventsService>;
