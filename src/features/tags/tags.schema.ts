import { z } from 'zod';
import type { Tag } from './tags.table.js';

export const tagSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TagDto = z.infer<typeof tagSchema>;

const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('Unique per tenant, case-insensitively ("VIP" = "vip")');
const color = z
  .string()
  .regex(/^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,20})$/, 'a #rgb / #rrggbb colour or a colour name')
  .nullable();

export const createTagBody = z.strictObject({ name, color: color.optional() });
export const updateTagBody = z.strictObject({ name: name.optional(), color: color.optional() });
export type CreateTagInput = z.infer<typeof createTagBody>;
export type UpdateTagInput = z.infer<typeof updateTagBody>;

export const toTagDto = (t: Tag): TagDto => ({
  id: t.id,
  name: t.name,
  color: t.color,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});
