import { z } from 'zod';
import { pageOf, pageQuery } from '../../http/pagination.js';
import { jsonObject } from '../catalog/json-object.js';
import { tagSchema } from '../tags/tags.schema.js';
import { phoneNumberSchema } from './phone.js';

export const contactSchema = z.object({
  id: z.uuid(),
  external_id: z.string().nullable(),
  whatsapp_user_id: z.string().nullable(),
  name: z.string().nullable(),
  phone_number: z.string().nullable().describe('E.164'),
  email: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  tags: z.array(tagSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ContactDto = z.infer<typeof contactSchema>;

export const ATTRIBUTES_MAX_BYTES = 16 * 1024;

/** The writable fields, shared by the JSON bodies and the CSV import. */
export const contactFields = {
  name: z.string().trim().min(1).max(150),
  phone_number: phoneNumberSchema,
  external_id: z.string().trim().min(1).max(64).describe('Unique per tenant (WhatsApp: the wa_id)'),
  whatsapp_user_id: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .describe("WhatsApp's business-scoped user id; unique per tenant"),
  email: z.email().max(254),
  attributes: jsonObject(ATTRIBUTES_MAX_BYTES).describe('Custom fields; replaced as a whole on update'),
};

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const createContactBody = z
  .strictObject({
    name: contactFields.name.optional(),
    phone_number: contactFields.phone_number.optional(),
    external_id: contactFields.external_id.optional(),
    whatsapp_user_id: contactFields.whatsapp_user_id.optional(),
    email: contactFields.email.optional(),
    attributes: contactFields.attributes.optional(),
  })
  .refine((c) => Boolean(c.name ?? c.phone_number ?? c.external_id ?? c.whatsapp_user_id ?? c.email), {
    message: 'A contact needs at least a name, phone_number, external_id, whatsapp_user_id or email',
    path: ['phone_number'],
  });
export const updateContactBody = z.strictObject({
  name: nullable(contactFields.name),
  phone_number: nullable(contactFields.phone_number),
  external_id: nullable(contactFields.external_id),
  whatsapp_user_id: nullable(contactFields.whatsapp_user_id),
  email: nullable(contactFields.email),
  attributes: contactFields.attributes.optional(),
});
export type CreateContactInput = z.infer<typeof createContactBody>;
export type UpdateContactInput = z.infer<typeof updateContactBody>;

export const contactFilterQuery = z.object({
  search: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Matches name, phone number, email or external id'),
  tag_id: z.uuid().optional(),
});
export type ContactFilter = z.infer<typeof contactFilterQuery>;
export const contactListQuery = pageQuery.extend(contactFilterQuery.shape);
export type ContactListQuery = z.infer<typeof contactListQuery>;
export const contactPage = pageOf(contactSchema);

export const tagIdsBody = z.strictObject({ tag_ids: z.array(z.uuid()).min(1).max(100) });
export type TagIdsInput = z.infer<typeof tagIdsBody>;
export const contactTagsResponse = z.object({ data: z.array(tagSchema) });

export const externalIdParam = z.object({ external_id: contactFields.external_id });
export const phoneParam = z.object({ number: phoneNumberSchema });
export const tagIdParam = z.object({ tag_id: z.uuid() });
