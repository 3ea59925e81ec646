import type { QueryClient } from '@tanstack/react-query';
import { meKey, settingsApi } from '../api/settings';
import { session } from '../api/session';
import type { User } from '../api/types';

/** Stores a changed user in the session, keeping the permissions (role_detail) it does not repeat. */
export function storeMe(qc: QueryClient, user: User) {
  const current = session.get()?.user;
  session.setUser({ ...current, ...user, role_detail: current?.role_detail ?? user.role_detail });
  qc.setQueryData(meKey, user);
}

/** Reads the caller again after a change the answer did not return (MFA on or off). */
export async function reloadMe(qc: QueryClient) {
  storeMe(qc, await settingsApi.me());
}
