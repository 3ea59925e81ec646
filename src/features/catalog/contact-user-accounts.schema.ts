import { z } from 'zod';
import { pageQuery } from '../../http/pagination.js';
import type { ContactUserAccount } from './catalog.table.js';

const REFERENCES =
  'contact_id, server_id, application_id and device_id must name rows of your tenant (a contact you can see); ' +
  'an unknown one is answered 400 VALIDATION_ERROR with errors[] naming the field.';

export const accountSchema = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid(),
    username_final: z.string(),
    server_id: z.uuid(),
    id_line_server: z.number().int().nullable(),
    date_exp: z.string().nullable(),
    application_id: z.uuid().nullable(),
    device_id: z.uuid().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .describe('A contact user account. password_final is write-only: stored encrypted and never returned.');
export type AccountDto = z.infer<typeof accountSchema>;

const fields = {
  contact_id: z.uuid(),
  username_final: z.string().trim().min(1).max(150),
  password_final: z.string().min(1).max(500).describe('Write-only; stored encrypted (AES-256-GCM)'),
  server_id: z.uuid(),
  id_line_server: z.number().int().min(0).max(2_147_483_647).nullable(),
  date_exp: z.iso.datetime({ offset: true }).nullable(),
  application_id: z.uuid().nullable(),
  device_id: z.uuid().nullable(),
};

export const createAccountBody = z
  .strictObject({
    ...fields,
    id_line_server: fields.id_line_server.optional(),
    date_exp: fields.date_exp.optional(),
    application_id: fields.application_id.optional(),
    device_id: fields.device_id.optional(),
  })
  .describe(REFERENCES);
export const updateAccountBody = z.strictObject(fields).partial().describe(REFERENCES);
export type CreateAccountInput = z.infer<typeof createAccountBody>;
export type UpdateAccountInput = z.infer<typeof updateAccountBody>;

export const accountListQuery = pageQuery.extend({ contact_id: z.uuid().optional() });
export type AccountListQuery = z.infer<typeof accountListQuery>;

export const toAccountDto = (a: ContactUserAccount): AccountDto => ({
  id: a.id,
  contact_id: a.contactId,
  username_final: a.usernameFinal,
  server_id: a.serverId,
  id_line_server: a.idLineServer,
  date_exp: a.dateExp ? a.dateExp.toISOString() : null,
  application_id: a.applicationId,
  device_id: a.deviceId,
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
});
