import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { DefaultEventsMap } from 'socket.io';
import type { AppDeps } from '../app.js';
import { presenceServiceOf } from '../features/presence/presence.service.js';
import { handleClientEvents } from './client-events.js';
import { createClusterAdapter } from './cluster-adapter.js';
import { createConversationAudience } from './conversation-audience.js';
import { listenToDomainEvents, TOKEN_EXPIRED } from './event-listener.js';
import { createPresenceTracker } from './presence-tracker.js';
import { limitClientEvents } from './rate-limit.js';
import { rooms } from './rooms.js';
import { authenticateSockets, refusal, type CrmSocket, type SocketUser } from './socket-auth.js';
import { capSocketsPerUser } from './socket-cap.js';
import { createTypingTracker } from './typing.js';

/** How long a dropped client's rooms and missed packets are kept for it (API: 2 minutes). */
export const RECOVERY_WINDOW_MS = 120_000;

export interface Realtime {
  close(): Promise<void>;
}

/**
 * Socket.IO on the app's own HTTP server, namespace /crm. Everything a client hears comes from
 * three places: the domain-event listener, typing, and presence.
 */
export function attachRealtime(server: HttpServer, deps: AppDeps): Realtime {
  const { config, database, platform, tokens, events, logger } = deps;
  const db = database.db;
  const cluster = platform.redis ? createClusterAdapter(platform.redis, deps.keyPrefix, logger) : undefined;
  const io = new Server<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketUser>(server, {
    serveClient: false,
    cors: { origin: config.corsOrigin, credentials: true },
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  // Only /crm serves anything; the main namespace refuses instead of idling unauthenticated sockets.
  io.of('/').use((_socket, next) => next(refusal('UNAUTHENTICATED', 'Connect to the /crm namespace')));

  const nsp = io.of('/crm');
  nsp.use(authenticateSockets(db, tokens, config.mfaRequiredRoles));
  nsp.use(capSocketsPerUser(nsp, config.maxSocketsPerUser, logger));
  const presence = createPresenceTracker(nsp, presenceServiceOf(deps), config.presence, logger);
  const audience = createConversationAudience(nsp, db, logger);
  const typing = createTypingTracker((event, typist, conversationId) =>
    audience.send(
      typist.tenantId,
      { id: conversationId },
      event,
      { conversation_id: conversationId, user_id: typist.userId },
      { exceptUserId: typist.userId },
    ),
  );

  nsp.on('connection', (socket) => {
    const { userId, tenantId, role, sessionId } = socket.data;
    void socket.join([
      rooms.user(userId),
      rooms.tenant(tenantId),
      rooms.role(tenantId, role),
      rooms.session(sessionId),
    ]);
    const expiry = dropAtExpiry(socket);
    limitClientEvents(socket, platform.rateLimitStore, logger);
    socket.use((_packet, next) => {
      presence.active({ userId, tenantId });
      next();
    });
    handleClientEvents(socket, { db, typing, presence, logger });
    presence.connected(socket);
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      typing.dropSocket(socket.id);
      presence.disconnected(socket);
    });
  });

  const stopListening = listenToDomainEvents({ events, nsp, audience, presence, logger });

  return {
    /** Stops taking work, finishes what is queued, then closes the sockets and the adapter. */
    async close() {
      stopListening();
      typing.close();
      await presence.close();
      await audience.drain();
      await io.close();
      await cluster?.close();
    },
  };
}

/**
 * A socket lives no longer than its access token: at expiry it is told and dropped, and the client
 * reconnects with a fresh token (which the connection middleware checks like any other).
 */
function dropAtExpiry(socket: CrmSocket): NodeJS.Timeout {
  const timer = setTimeout(
    () => {
      socket.emit('system:error', TOKEN_EXPIRED);
      // Through the adapter like the emit (which waits for Redis when there is one), so it follows it.
      socket.nsp.in(socket.id).disconnectSockets(true);
    },
    Math.max(socket.data.expiresAt * 1000 - Date.now(), 0),
  );
  timer.unref();
  return timer;
}
