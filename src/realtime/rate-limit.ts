import type { Logger } from 'pino';
import type { RateLimitStore } from '../platform/rate-limit-store.js';
import type { CrmSocket } from './socket-auth.js';

/** API.md: more than 30 client events a minute from one user -> RATE_LIMITED, event dropped. */
export const SOCKET_EVENT_LIMIT = 30;
const WINDOW_MS = 60_000;

/**
 * Counts every client event per user (all sockets, all instances: the store is shared) and drops
 * those over the limit. A store failure lets events through: a Redis hiccup must not mute the inbox.
 */
export function limitClientEvents(socket: CrmSocket, store: RateLimitStore, logger: Logger): void {
  socket.use(([event, ...args], next) => {
    store.hit(`ws:user:${socket.data.userId}`, WINDOW_MS).then(
      ({ count, resetInMs }) => {
        if (count <= SOCKET_EVENT_LIMIT) return next();
        const retry = Math.max(1, Math.ceil(resetInMs / 1000));
        const message = `More than ${SOCKET_EVENT_LIMIT} events a minute: "${event}" was dropped, retry in ${retry} s`;
        socket.emit('system:error', { code: 'RATE_LIMITED', message });
        const ack: unknown = args.at(-1);
        if (typeof ack === 'function')
          (ack as (r: unknown) => void)({ ok: false, code: 'RATE_LIMITED', message });
      },
      (err: unknown) => {
        logger.warn({ err }, 'socket rate limit store failed; event let through');
        next();
      },
    );
  });
}
