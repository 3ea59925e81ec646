import { request, V1 } from './http';
import type { User } from './types';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Opening {
  open: string;
  close: string;
}

/** GET /settings (API.md "Tenant settings"). */
export interface TenantSettings {
  tenant: { id: string; name: string };
  timezone: string;
  business_hours: { enabled: boolean; days: Record<Weekday, Opening[]> };
  auto_assignment: {
    enabled: boolean;
    strategy: 'round_robin' | 'least_busy';
    max_open_per_agent: number;
    only_online: boolean;
  };
  away_message: { enabled: boolean; text: string };
  default_bot_id: string | null;
}

export type Theme = 'light' | 'dark' | 'system';

/** GET /users/me/settings. */
export interface UserSettings {
  theme: Theme;
  language: string;
  notifications: { desktop: boolean; sound: boolean; email: boolean };
}

export type TenantSettingsPatch = Partial<Omit<TenantSettings, 'tenant'>>;
export type UserSettingsPatch = {
  theme?: Theme;
  language?: string;
  notifications?: Partial<UserSettings['notifications']>;
};
export interface ProfilePatch {
  name?: string;
  email?: string | null;
  phone_number?: string | null;
}

export const settingsKey = ['settings'] as const;
export const mySettingsKey = ['me', 'settings'] as const;
export const meKey = ['me'] as const;

export const settingsApi = {
  tenant: () => request<TenantSettings>(`${V1}/settings`),
  updateTenant: (body: TenantSettingsPatch) =>
    request<TenantSettings>(`${V1}/settings`, { method: 'PATCH', body }),
  mine: () => request<UserSettings>(`${V1}/users/me/settings`),
  updateMine: (body: UserSettingsPatch) =>
    request<UserSettings>(`${V1}/users/me/settings`, { method: 'PATCH', body }),
  me: () => request<User>(`${V1}/users/me`),
  updateMe: (body: ProfilePatch) => request<User>(`${V1}/users/me`, { method: 'PATCH', body }),
};
