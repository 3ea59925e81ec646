import { z } from 'zod';
import { pageOf, pageQuery } from '../../http/pagination.js';

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;

export const templateSchema = z.object({
  id: z.uuid(),
  integration_id: z.uuid(),
  name: z.string(),
  language: z.string(),
  category: z.string().describe("Meta's: MARKETING | UTILITY | AUTHENTICATION (Meta may re-categorise)"),
  status: z.string().describe("Meta's review status: PENDING, APPROVED, REJECTED, PAUSED, DISABLED, ..."),
  components: z.array(z.record(z.string(), z.unknown())),
  meta_template_id: z.string().nullable(),
  rejection_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TemplateDto = z.infer<typeof templateSchema>;

export const templatePage = pageOf(templateSchema);

export const templateListQuery = pageQuery.extend({
  integration_id: z.uuid().optional(),
  status: z.string().min(1).max(30).optional(),
});
export type TemplateListQuery = z.infer<typeof templateListQuery>;

/** Meta's creation body (`POST /{waba_id}/message_templates`) plus the number it belongs to. */
export const createTemplateBody = z.strictObject({
  integration_id: z.uuid(),
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lowercase letters, digits and underscores (Meta rule)'),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(_[A-Z]{2,4})?$/, 'a language code such as en_US or pt_BR')
    .max(15),
  category: z
    .string()
    .transform((c) => c.toUpperCase())
    .pipe(z.enum(CATEGORIES)),
  components: z
    .array(z.looseObject({ type: z.string().min(1) }))
    .min(1)
    .max(20),
  parameter_format: z.enum(['POSITIONAL', 'NAMED']).optional(),
});
export type CreateTemplateInput = z.infer<typeof createTemplateBody>;

export const syncTemplatesBody = z
  .strictObject({
    integration_id: z.uuid().optional().describe("Only this number's templates (default: every number)"),
  })
  .default({});
export type SyncTemplatesInput = z.infer<typeof syncTemplatesBody>;

export const syncResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;
