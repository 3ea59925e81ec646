import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { accountApi, sessionsKey, type SessionInfo } from '../api/account';
import { ErrorText } from '../ui/ErrorText';

const when = (iso: string) => new Date(iso).toLocaleString();

/** "Firefox on Linux" is more than most user agents say plainly; show the browser part at least. */
function deviceOf(s: SessionInfo): string {
  const ua = s.user_agent ?? '';
  const browser = /(Edg|Firefox|Chrome|Safari)\/[\d.]+/.exec(ua)?.[1]?.replace('Edg', 'Edge');
  const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(ua)?.[1]?.replace('Mac OS X', 'macOS');
  if (browser && system) return `${browser} on ${system}`;
  return ua || 'Unknown device';
}

function SessionRow({ session }: { session: SessionInfo }) {
  const qc = useQueryClient();
  const end = useMutation({
    mutationFn: () => accountApi.endSession(session.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: sessionsKey }),
  });
  const device = deviceOf(session);
  return (
    <li className="session-row">
      <div>
        <strong>{device}</strong>
        {session.current && <span className="muted"> · this device</span>}
        <div className="hint">
          {session.ip ?? 'unknown address'} · signed in {when(session.created_at)} · last active{' '}
          {when(session.last_used_at)}
        </div>
        <ErrorText error={end.error} />
      </div>
      {!session.current && (
        <button
          type="button"
          aria-label={`Sign out ${device}`}
          disabled={end.isPending}
          onClick={() => end.mutate()}
        >
          Sign out
        </button>
      )}
    </li>
  );
}

/** Where the account is signed in; any other session can be ended from here. */
export function SessionsCard() {
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: accountApi.sessions });
  return (
    <section className="settings-card" aria-label="Sessions">
      <h2>Sessions</h2>
      <ErrorText error={sessions.error} />
      <ul className="session-list">
        {sessions.data?.data.map((s) => (
          <SessionRow key={s.id} session={s} />
        ))}
      </ul>
    </section>
  );
}
