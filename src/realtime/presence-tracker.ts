import type { Logger } from 'pino';
import type { PresenceStatus, SettableStatus } from '../features/presence/presence.schema.js';
import {
  PRESENCE_LIVE_TTL_MS,
  type PresenceService,
  type PresenceUser,
} from '../features/presence/presence.service.js';
import { createKeyedQueue } from './keyed-queue.js';
import { rooms } from './rooms.js';
import type { CrmNamespace, CrmSocket } from './socket-auth.js';

export interface PresenceTrackerOptions {
  /** A user goes offline this long after the last socket left, unless one came back. */
  graceMs: number;
  awayAfterMs: number;
}

/**
 * Turns this instance's sockets into presence: the first socket of a user makes them online, the
 * last one leaving makes them offline after a grace period, provided no socket of theirs is left
 * on ANY instance (asked through the adapter). A heartbeat keeps the shared "live" mark of every
 * user connected here and notices inactivity (away). Work for one user runs in order.
 */
export function createPresenceTracker(
  nsp: CrmNamespace,
  presence: PresenceService,
  options: PresenceTrackerOptions,
  logger: Logger,
) {
  const local = new Map<string, { user: PresenceUser; sockets: Set<string> }>();
  const leaving = new Map<string, NodeJS.Timeout>();
  const queue = createKeyedQueue((err) => logger.error({ err }, 'presence update failed'));
  let closed = false;

  const run = (user: PresenceUser, task: () => Promise<void>) => {
    if (!closed) queue.push(user.userId, task);
  };

  async function offlineUnlessBack(user: PresenceUser): Promise<void> {
    if (local.has(user.userId)) return;
    const anywhere = await nsp.in(rooms.user(user.userId)).fetchSockets();
    if (anywhere.length > 0 || local.has(user.userId)) return;
    await presence.gone(user);
  }

  const heartbeatMs = Math.min(PRESENCE_LIVE_TTL_MS / 3, options.awayAfterMs / 2);
  const heartbeat = setInterval(() => {
    for (const { user } of local.values()) run(user, () => presence.refresh(user));
  }, heartbeatMs);
  heartbeat.unref();

  return {
    connected(socket: CrmSocket): void {
      const { userId, tenantId } = socket.data;
      const user = { userId, tenantId };
      clearTimeout(leaving.get(userId));
      leaving.delete(userId);
      const entry = local.get(userId) ?? { user, sockets: new Set<string>() };
      entry.sockets.add(socket.id);
      local.set(userId, entry);
      run(user, () => presence.connected(user));
    },

    disconnected(socket: CrmSocket): void {
      const entry = local.get(socket.data.userId);
      if (!entry?.sockets.delete(socket.id) || entry.sockets.size > 0 || closed) return;
      local.delete(socket.data.userId);
      const timer = setTimeout(() => {
        leaving.delete(entry.user.userId);
        run(entry.user, () => offlineUnlessBack(entry.user));
      }, options.graceMs);
      timer.unref();
      leaving.set(entry.user.userId, timer);
    },

    /** Activity: a client event, or a domain event the user caused through the API. */
    active(user: PresenceUser): void {
      run(user, () => presence.touch(user));
    },

    /** busy/away/online chosen over the socket, in order with the user's other presence work. */
    choose(user: PresenceUser, status: SettableStatus): Promise<PresenceStatus> {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('presence tracker closed'));
        queue.push(user.userId, () => presence.choose(user, status).then(resolve, reject));
      });
    },

    /**
     * Stops the heartbeat and forgets pending offline checks: sockets closed by a shutdown usually
     * reconnect to another instance, and a user who does not come back reads as offline once the
     * live mark expires.
     */
    async close(): Promise<void> {
      closed = true;
      clearInterval(heartbeat);
      for (const timer of leaving.values()) clearTimeout(timer);
      leaving.clear();
      await queue.drain();
    },
  };
}

export type PresenceTracker = ReturnType<typeof createPresenceTracker>;
