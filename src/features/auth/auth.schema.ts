import { z } from 'zod';
import { userSchema, passwordSchema, usernameSchema } from '../users/users.schema.js';

export const loginBody = z
  .strictObject({
    username: z.string().trim().min(1).max(254).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    password: z.string().min(1).max(200),
    mfa_code: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .refine((b) => Boolean(b.username) !== Boolean(b.email), {
    message: 'Give either username or email',
    path: ['username'],
  });
export type LoginInput = z.infer<typeof loginBody>;

export const tokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

export const loginResponse = tokenPairSchema.extend({ user: userSchema });

export const refreshBody = z.strictObject({ refresh_token: z.string().min(10).max(200) });
export const logoutBody = z.strictObject({ refresh_token: z.string().min(10).max(200).optional() }).nullish();

export const registerBody = z.strictObject({
  tenant_name: z.string().trim().min(1).max(150),
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  password: passwordSchema,
  username: usernameSchema.optional(),
});
export type RegisterInput = z.infer<typeof registerBody>;

export const registerResponse = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string(), created_at: z.string(), updated_at: z.string() }),
  user: userSchema,
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});
