import { useQuery, useQueryClient } from '@tanstack/react-query';
import { request, V1 } from '../api/http';
import type { Presence } from '../api/types';
import { useSocketEvent } from './RealtimeProvider';

interface PresenceRow {
  user_id: string;
  status: Presence;
}

const ROOT = 'presence';

/**
 * The presence of these users, from GET /presence/users, then kept live by `presence:update`.
 * Unknown until loaded: callers show nothing rather than a wrong "offline".
 */
export function usePresence(ids: string[]): Map<string, Presence> {
  const qc = useQueryClient();
  const sorted = [...new Set(ids)].sort();
  const query = useQuery({
    queryKey: [ROOT, sorted],
    queryFn: () =>
      request<{ data: PresenceRow[] }>(`${V1}/presence/users`, { query: { ids: sorted.join(',') } }),
    enabled: sorted.length > 0,
  });
  useSocketEvent('presence:update', (e) => {
    qc.setQueriesData<{ data: PresenceRow[] }>(
      { queryKey: [ROOT] },
      (page) =>
        page && {
          data: page.data.map((p) => (p.user_id === e.user_id ? { ...p, status: e.status } : p)),
        },
    );
  });
  return new Map((query.data?.data ?? []).map((p) => [p.user_id, p.status]));
}

/** A coloured dot for a presence, named for screen readers. */
export function PresenceDot({ name, status }: { name: string; status: Presence | undefined }) {
  if (!status) return null;
  return (
    <span className={`status-dot ${status}`} role="img" aria-label={`${name} is ${status}`} title={status} />
  );
}
