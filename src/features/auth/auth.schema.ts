import { z } from 'zod';
import { userSchema, passwordSchema, usernameSchema } from '../users/users.schema.js';

export const loginBody = z
  .strictObject({
    username: z.string().trim().min(1).max(254).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    password: z.string().min(1).max(200),
    /** A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx`). */
    mfa_code: z.string().trim().min(6).max(20).optional(),
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

export const loginResponse = tokenPairSchema.extend({
  user: userSchema,
  /** The user's role must use two-factor authentication (MFA_REQUIRED_ROLES) and it is not set up. */
  mfa_setup_required: z.boolean(),
});

export const mfaSetupResponse = z.object({ secret: z.string(), otpauth_url: z.string() });
export const mfaCode = z.string().trim().min(6).max(20);
export const mfaEnableBody = z.strictObject({ code: mfaCode });
export const mfaEnableResponse = z.object({ recovery_codes: z.array(z.string()) });
export const mfaDisableBody = z.strictObject({ password: z.string().min(1).max(200), code: mfaCode });

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
