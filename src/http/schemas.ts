import { z } from 'zod';

export const uuidParam = z.object({ id: z.uuid() });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  request_id: z.string().optional(),
});

/** Error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };
export const idErrors = { ...authErrors, 404: problemSchema };

export const isoDate = (d: Date | null | undefined) => (d ? d.toISOString() : null);
