import { api } from '../api/endpoints';
import { session } from '../api/session';
import type { Presence, User } from '../api/types';
import { useConnection } from '../realtime/RealtimeProvider';
import { sectionsFor } from '../admin/sections';
import { navigate } from '../router';
import { Avatar } from '../ui/Avatar';
import { useUsers } from './queries';

type Settable = Exclude<Presence, 'offline'>;
const PRESENCE_LABEL: Record<Settable, string> = { online: 'Online', away: 'Away', busy: 'Busy' };

export async function logout() {
  const current = session.get();
  try {
    if (current) await api.logout(current.refresh_token);
  } catch {
    // Already invalid or unreachable: the local session ends all the same.
  } finally {
    session.clear();
  }
}

/** Who is logged in, their presence, and the way out. */
export function SidebarHeader({ me, onError }: { me: User; onError: (err: unknown) => void }) {
  const users = useUsers();
  const connection = useConnection();
  const presence = users.get(me.id)?.presence ?? 'online';
  const shown: Presence = connection === 'online' ? presence : 'offline';
  return (
    <header className="sidebar-header">
      <Avatar name={me.name} presence={shown} />
      <div className="me">
        <strong className="ellipsis">{me.name}</strong>
        <select
          aria-label="Your status"
          className="presence-select"
          value={presence === 'offline' ? 'online' : presence}
          onChange={(e) => void api.setPresence(e.target.value as Settable).catch(onError)}
        >
          {Object.entries(PRESENCE_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="button" onClick={() => navigate('/profile')}>
        Profile
      </button>
      {sectionsFor(me).length > 0 && (
        <button type="button" onClick={() => navigate('/admin')}>
          Admin
        </button>
      )}
      <button type="button" onClick={() => void logout()}>
        Log out
      </button>
    </header>
  );
}
