import { z } from 'zod';
import { presenceSchema as presenceStatusSchema } from '../users/users.schema.js';

export type PresenceStatus = z.infer<typeof presenceStatusSchema>;

/** What a user may choose; offline follows from having no live socket. */
export const settableStatusSchema = z.enum(['online', 'away', 'busy']);
export type SettableStatus = z.infer<typeof settableStatusSchema>;

export const presenceSchema = z.object({
  user_id: z.uuid(),
  status: presenceStatusSchema,
  online: z.boolean(),
  /** When the status last changed (came online, went away, went offline). */
  last_seen_at: z.string().nullable(),
});
export type PresenceDto = z.infer<typeof presenceSchema>;

export const presenceListSchema = z.object({ data: z.array(presenceSchema) });

export const updatePresenceBody = z.strictObject({ status: settableStatusSchema });

export const MAX_PRESENCE_IDS = 100;

export const presenceListQuery = z.object({
  ids: z
    .string()
    .transform((ids) =>
      ids
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.uuid()).min(1).max(MAX_PRESENCE_IDS)),
});
