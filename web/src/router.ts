import { useSyncExternalStore } from 'react';

/** The open conversation lives in the URL (/conversations/:id), so reload and back keep it. */
const PATTERN = /^\/conversations\/([0-9a-f-]{36})$/i;

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

const usePath = () => useSyncExternalStore(subscribe, () => window.location.pathname);

export function useOpenConversationId(): string | null {
  return PATTERN.exec(usePath())?.[1] ?? null;
}

/** /admin (null section: the first one allowed) or /admin/<section>; undefined outside the admin pages. */
export function useAdminSection(): string | null | undefined {
  const match = /^\/admin(?:\/([a-z-]+))?\/?$/.exec(usePath());
  return match ? (match[1] ?? null) : undefined;
}

/** The pages a mailed link opens, logged in or not. */
export type LinkPage = 'reset-password' | 'verify-email';

export function useLinkPage(): { page: LinkPage; token: string } | null {
  const match = /^\/(reset-password|verify-email)\/?$/.exec(usePath());
  if (!match) return null;
  return {
    page: match[1] as LinkPage,
    token: new URLSearchParams(window.location.search).get('token') ?? '',
  };
}

/** The caller's own profile and preferences. */
export const useProfileRoute = () => /^\/profile\/?$/.test(usePath());

export function navigate(path: string) {
  if (window.location.pathname === path) return;
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function openConversation(id: string | null) {
  navigate(id ? `/conversations/${id}` : '/');
}
