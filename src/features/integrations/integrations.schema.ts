import { z } from 'zod';
import { pageOf } from '../../http/pagination.js';

const apiVersion = z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0');
const secret = z.string().min(1).max(2000);

export const integrationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  phone_number_id: z.string(),
  business_account_id: z.string().nullable(),
  display_phone_number: z.string().nullable(),
  api_version: z.string(),
  health: z
    .enum(['ok', 'unhealthy'])
    .describe('unhealthy: Meta refused the access token (error 190); sends fail until it is updated'),
  last_error: z
    .object({ code: z.number(), title: z.string(), message: z.string().optional() })
    .nullable()
    .describe("Meta's error that made the number unhealthy"),
  created_at: z.string(),
  updated_at: z.string(),
});
export type IntegrationDto = z.infer<typeof integrationSchema>;

export const createIntegrationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  phone_number_id: z.string().regex(/^\d{1,50}$/, 'digits only'),
  business_account_id: z
    .string()
    .regex(/^\d{1,50}$/, 'digits only')
    .optional(),
  display_phone_number: z.string().trim().max(30).optional(),
  access_token: secret.describe('Write-only: stored encrypted, never returned'),
  app_secret: secret.optional().describe('Write-only; falls back to WHATSAPP_APP_SECRET'),
  verify_token: secret.optional().describe('Write-only; falls back to WHATSAPP_WEBHOOK_VERIFY_TOKEN'),
  api_version: apiVersion.optional(),
});
export type CreateIntegrationInput = z.infer<typeof createIntegrationBody>;

export const updateIntegrationBody = createIntegrationBody.partial().extend({
  business_account_id: createIntegrationBody.shape.business_account_id.unwrap().nullable().optional(),
  display_phone_number: z.string().trim().max(30).nullable().optional(),
  app_secret: secret.nullable().optional(),
  verify_token: secret.nullable().optional(),
});
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationBody>;

export const integrationPage = pageOf(integrationSchema);
