import { request, V1 } from './http';

export interface SessionInfo {
  id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

export const sessionsKey = ['me', 'sessions'] as const;

/** Account security (API.md "Account security and self-service"). */
export const accountApi = {
  forgotPassword: (email: string) =>
    request<void>(`${V1}/auth/forgot-password`, { method: 'POST', body: { email } }),
  resetPassword: (token: string, password: string) =>
    request<void>(`${V1}/auth/reset-password`, { method: 'POST', body: { token, password } }),
  verifyEmail: (token: string) =>
    request<void>(`${V1}/auth/verify-email`, { method: 'POST', body: { token } }),
  resendVerification: () => request<void>(`${V1}/auth/verify-email/resend`, { method: 'POST' }),
  changePassword: (current_password: string, new_password: string) =>
    request<void>(`${V1}/users/me/password`, { method: 'POST', body: { current_password, new_password } }),
  sessions: () => request<{ data: SessionInfo[] }>(`${V1}/auth/sessions`),
  endSession: (id: string) => request<void>(`${V1}/auth/sessions/${id}`, { method: 'DELETE' }),
  mfaSetup: () =>
    request<{ secret: string; otpauth_url: string }>(`${V1}/auth/mfa/setup`, { method: 'POST' }),
  mfaEnable: (code: string) =>
    request<{ recovery_codes: string[] }>(`${V1}/auth/mfa/enable`, { method: 'POST', body: { code } }),
  mfaDisable: (password: string, code: string) =>
    request<void>(`${V1}/auth/mfa/disable`, { method: 'POST', body: { password, code } }),
};
