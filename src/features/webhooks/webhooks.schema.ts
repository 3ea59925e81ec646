import { z } from 'zod';
import { pageOf, pageQuery } from '../../http/pagination.js';

/** Statuses a tenant's events can have (unmatched events belong to no tenant). */
export const tenantEventStatuses = ['received', 'processing', 'processed', 'failed'] as const;

export const webhookEventSchema = z.object({
  id: z.uuid(),
  status: z.enum([...tenantEventStatuses, 'unmatched']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  phone_number_id: z.string().nullable(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
  /** Meta's envelope with this tenant's changes, when asked for. */
  payload: z.unknown().optional(),
});
export type WebhookEventDto = z.infer<typeof webhookEventSchema>;

export const webhookEventListQuery = pageQuery.extend({
  status: z.enum(tenantEventStatuses).optional(),
  include_payload: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type WebhookEventListQuery = z.infer<typeof webhookEventListQuery>;

export const webhookEventPage = pageOf(webhookEventSchema);
