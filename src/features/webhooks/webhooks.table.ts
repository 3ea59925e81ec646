import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { id } from '../../db/columns.js';
import { whatsappIntegrations } from '../integrations/integrations.table.js';
import { sqlValueList, tenantIdColumn, tenants } from '../tenants/tenants.table.js';

export const webhookEventStatuses = ['received', 'processing', 'processed', 'failed', 'unmatched'] as const;
export type WebhookEventStatus = (typeof webhookEventStatuses)[number];

/**
 * Raw webhook intake: the POST handler verifies the signature, appends the event here and answers 200;
 * a job processes it. Events for an unknown phone_number_id stay here as 'unmatched' (tenant_id null).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: id(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id').references(() => whatsappIntegrations.id, { onDelete: 'set null' }),
    provider: varchar('provider', { length: 20 }).notNull().default('whatsapp'),
    phoneNumberId: varchar('phone_number_id', { length: 50 }),
    payload: jsonb('payload').$type<unknown>().notNull(),
    /** The exact body as received, for re-verifying the signature and for replay. */
    rawBody: text('raw_body').notNull(),
    signature: varchar('signature', { length: 100 }),
    status: varchar('status', { length: 20, enum: webhookEventStatuses }).notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    check('webhook_events_status_check', sql`${t.status} in (${sqlValueList(webhookEventStatuses)})`),
    // Recovery sweep: "received/failed events older than X", across tenants.
    index('webhook_events_status_received_idx').on(t.status, t.receivedAt),
    index('webhook_events_tenant_status_received_idx').on(t.tenantId, t.status, t.receivedAt, t.id),
  ],
);

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;

/**
 * Statuses that arrived before the message they belong to (Meta does not order webhooks, and a
 * status can beat the send job's own DB update). Applied, and deleted, when the wamid appears.
 */
export const pendingStatuses = pgTable(
  'whatsapp_pending_statuses',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    wamid: varchar('wamid', { length: 255 }).notNull(),
    status: varchar('status', { length: 20 }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    errors: jsonb('errors').$type<unknown[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('whatsapp_pending_statuses_uq').on(t.tenantId, t.wamid, t.status),
    // Expiry sweep of statuses whose message never appears.
    index('whatsapp_pending_statuses_created_idx').on(t.createdAt),
  ],
);

export type PendingStatus = typeof pendingStatuses.$inferSelect;
