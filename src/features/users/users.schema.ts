import { z } from 'zod';
import { pageOf } from '../../http/pagination.js';
import { phoneNumberSchema } from '../contacts/phone.js';
import { roleSchema } from '../roles/roles.schema.js';

export const presenceSchema = z.enum(['online', 'away', 'busy', 'offline']);

export const userSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  phone_number: z.string().nullable(),
  avatar_media_id: z.uuid().nullable(),
  role: z.string(),
  online: z.boolean(),
  presence: presenceSchema,
  mfa_enabled: z.boolean(),
  email_verified: z.boolean(),
  /** false: deactivated by an admin (no login, no sessions, not assignable). */
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  role_detail: roleSchema.pick({ id: true, name: true, permissions: true }).optional(),
});
export type UserDto = z.infer<typeof userSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(150)
  .regex(/^[\w.@+-]+$/, 'letters, digits and . _ @ + - only');
export const passwordSchema = z.string().min(8).max(200);
const name = z.string().trim().min(1).max(100);

export const createUserBody = z.strictObject({
  name,
  username: usernameSchema,
  email: z.email().max(254).optional(),
  password: passwordSchema,
  role: z.string().min(1).max(50),
});
export const updateUserBody = z.strictObject({
  name: name.optional(),
  username: usernameSchema.optional(),
  email: z.email().max(254).nullable().optional(),
  /** API.md (calls): the agent's phone, set by the user or an admin. */
  phone_number: phoneNumberSchema.nullable().optional(),
  password: passwordSchema.optional(),
  role: z.string().min(1).max(50).optional(),
  /** false deactivates the user (every session ends at once); true switches them on again. */
  active: z.boolean().optional(),
});
/** PATCH /users/me: the caller's own profile; role, username and the rest stay an admin's (400 here). */
export const updateMeBody = updateUserBody.pick({ name: true, email: true, phone_number: true }).extend({
  avatar_media_id: z.uuid().nullable().optional(),
});
export type UpdateMeInput = z.infer<typeof updateMeBody>;

export const usersListQuery = z.object({
  search: z
    .string()
    .trim()
    .max(100)
    .optional()
    .describe('Case-insensitive substring of the name, username or email'),
});

export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const includeRoleQuery = z.object({
  include_role: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const userPage = pageOf(userSchema);
