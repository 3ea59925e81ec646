import type { Executor } from '../../db/client.js';
import type { DomainEvents } from '../../platform/events.js';
import { revokeSessions, sessionsRevoked } from '../auth/sessions.js';

export interface EndSessionsDeps {
  events: Pick<DomainEvents, 'publish'>;
}

/**
 * Ends every session of a user (a password was changed or reset), except `keepSessionId`, the
 * session that made the change: their access tokens and refresh chains stop working at once.
 * Returns what to call once the transaction committed, to drop the sessions' sockets.
 */
export async function endUserSessions(
  exec: Executor,
  deps: EndSessionsDeps,
  user: { tenantId: string; userId: string },
  keepSessionId?: string,
): Promise<() => void> {
  const scope = { ...user, ...(keepSessionId ? { exceptSessionId: keepSessionId } : {}) };
  await revokeSessions(exec, scope);
  return () => deps.events.publish(sessionsRevoked(scope, user.userId));
}
