import { z } from 'zod';
import { pageOf } from '../../http/pagination.js';
import { PERMISSIONS } from './permissions.js';

export const permissionSchema = z.enum(PERMISSIONS);

export const roleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  permissions: z.array(z.string()),
  built_in: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RoleDto = z.infer<typeof roleSchema>;

const roleName = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\w .-]+$/, 'letters, digits, spaces, dot, dash and underscore only');

export const createRoleBody = z.strictObject({
  name: roleName,
  permissions: z.array(permissionSchema).max(PERMISSIONS.length),
});
export const updateRoleBody = z.strictObject({
  name: roleName.optional(),
  permissions: z.array(permissionSchema).max(PERMISSIONS.length).optional(),
});
export type CreateRoleInput = z.infer<typeof createRoleBody>;
export type UpdateRoleInput = z.infer<typeof updateRoleBody>;

export const rolePage = pageOf(roleSchema);
