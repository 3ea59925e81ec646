import type { TokenPair, User } from './types';

export interface Session {
  access_token: string;
  refresh_token: string;
  user: User;
  /** From the login answer: nothing but two-factor enrolment works until it is done. */
  mfa_setup_required?: boolean;
}

const KEY = 'apicechat.session';
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

let current = load();

function store(next: Session | null) {
  current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

// Another tab refreshed the tokens or logged out: every tab follows, so none reuses a rotated token.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = load();
  for (const listener of listeners) listener();
});

/** The logged-in user and tokens, kept in localStorage and shared by every tab. */
export const session = {
  get: () => current,
  /** Read again from storage: another tab may have rotated the tokens a moment ago. */
  reload: () => (current = load()),
  start: (next: Session) => store(next),
  setTokens: (pair: Pick<TokenPair, 'access_token' | 'refresh_token'>) => {
    if (current) store({ ...current, access_token: pair.access_token, refresh_token: pair.refresh_token });
  },
  setUser: (user: User) => {
    // The tokens as stored now: another tab (or a reload) may have replaced them since this tab
    // read them, and writing the old ones back would undo that.
    const latest = load();
    if (latest && current && latest.user.id === current.user.id) store({ ...latest, user });
  },
  clear: () => store(null),
  subscribe: (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

export const can = (user: User | undefined | null, permission: string) =>
  user?.role_detail?.permissions.includes(permission) ?? false;
