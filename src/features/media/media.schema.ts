import { z } from 'zod';
import { attachmentSchema } from '../messages/messages.schema.js';
import { mediaSources } from './media.table.js';

/** An upload answers the attachment shape of API.md; GET /media/:id adds what only the owner needs. */
export const mediaSchema = attachmentSchema.extend({
  sha256: z.string().nullable(),
  source: z.enum(mediaSources),
  attached: z.boolean(),
  created_at: z.string(),
});
export type MediaDto = z.infer<typeof mediaSchema>;

export const mediaListSchema = z.object({ data: z.array(mediaSchema) });

export const fileTokenQuery = z.object({ token: z.string().min(1).max(4096) });
