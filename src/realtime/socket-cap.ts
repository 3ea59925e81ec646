import type { ExtendedError } from 'socket.io';
import type { Logger } from 'pino';
import { rooms } from './rooms.js';
import { refusal, type CrmNamespace, type CrmSocket } from './socket-auth.js';

/**
 * Connection middleware (after authentication): a user holding `max` sockets already is refused
 * with RATE_LIMITED, so one leaking client cannot take an instance's memory and fan-out.
 *
 * The sockets this instance admitted are counted at once, without awaiting, so a burst of
 * connections of one user cannot all slip past the check; other instances' sockets are asked for
 * through the adapter (a race between two instances can let one extra in). When the adapter cannot
 * answer (Redis down), only this instance's count decides: the inbox must keep connecting.
 */
export function capSocketsPerUser(nsp: CrmNamespace, max: number, logger: Logger) {
  const admitted = new Map<string, Set<CrmSocket>>();

  // A socket admitted but never connected (its client left first) holds no place.
  const heldHere = (userId: string) => {
    const held = admitted.get(userId) ?? new Set<CrmSocket>();
    for (const s of held) if (!s.connected && s.conn.readyState !== 'open') held.delete(s);
    return held;
  };

  const release = (userId: string, socket: CrmSocket) => {
    const held = admitted.get(userId);
    held?.delete(socket);
    if (held?.size === 0) admitted.delete(userId);
  };

  const elsewhere = (userId: string) =>
    nsp
      .in(rooms.user(userId))
      .fetchSockets()
      .then(
        (sockets) => sockets.map((s) => s.id),
        (err: unknown) => {
          logger.warn({ err }, 'socket count across instances unavailable; counting this instance only');
          return [];
        },
      );

  return (socket: CrmSocket, next: (err?: ExtendedError) => void) => {
    const { userId } = socket.data;
    void elsewhere(userId).then((remoteIds) => {
      const held = heldHere(userId);
      const ids = new Set([...remoteIds, ...[...held].map((s) => s.id)]);
      if (ids.size >= max) {
        next(refusal('RATE_LIMITED', `At most ${max} open connections per user; close one and retry`));
        return;
      }
      held.add(socket);
      admitted.set(userId, held);
      socket.once('disconnect', () => release(userId, socket));
      next();
    });
  };
}
