import { z } from 'zod';
import { passwordSchema } from '../users/users.schema.js';

/** Tokens are 43 base64url characters; anything far off that is refused before a lookup. */
const token = z.string().min(16).max(200);

export const forgotPasswordBody = z.strictObject({ email: z.email().max(254) });
export const resetPasswordBody = z.strictObject({ token, password: passwordSchema });
export const verifyEmailBody = z.strictObject({ token });
export const changePasswordBody = z.strictObject({
  current_password: z.string().min(1).max(200),
  new_password: passwordSchema,
});
