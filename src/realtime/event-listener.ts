import type { Logger } from 'pino';
import { z } from 'zod';
import { DomainEventType } from '../platform/event-types.js';
import type { DomainEvent, DomainEvents } from '../platform/events.js';
import { DELETED_EVENT, type ConversationAudience, type ConversationRef } from './conversation-audience.js';
import type { PresenceTracker } from './presence-tracker.js';
import { rooms } from './rooms.js';
import type { CrmNamespace } from './socket-auth.js';

/** Domain event -> Socket.IO event (API.md "Server -> client"). Payloads pass through unchanged. */
export const SOCKET_EVENT_OF: Readonly<Record<string, string>> = {
  [DomainEventType.MessageCreated]: 'message:new',
  [DomainEventType.MessageStatus]: 'message:status',
  [DomainEventType.MessageUpdated]: 'message:updated',
  [DomainEventType.MessageDeleted]: 'message:updated',
  [DomainEventType.MessageReaction]: 'message:reaction',
  [DomainEventType.ConversationCreated]: 'conversation:new',
  [DomainEventType.ConversationAssigned]: 'conversation:assigned',
  [DomainEventType.ConversationStatusChanged]: 'conversation:status_changed',
  [DomainEventType.ConversationUpdated]: 'conversation:updated',
  [DomainEventType.ConversationUnreadReset]: 'conversation:unread_reset',
  [DomainEventType.ConversationRead]: 'conversation:read',
  [DomainEventType.ConversationUnread]: 'conversation:unread',
  [DomainEventType.ConversationDeleted]: DELETED_EVENT,
};

const conversationPayload = z.object({
  id: z.string().optional(),
  conversation_id: z.string().optional(),
  assigned_user_id: z.string().nullable().optional(),
});
const revokedPayload = z.object({
  user_id: z.string(),
  session_ids: z.array(z.string()).nullable(),
  except_session_id: z.string().nullable(),
});

/** What a socket hears before the server drops it for its session or its token (API.md `system:error`). */
export const SESSION_ENDED = { code: 'UNAUTHENTICATED', message: 'Your session has ended; sign in again' };
export const TOKEN_EXPIRED = {
  code: 'UNAUTHENTICATED',
  message: 'Your access token expired; reconnect with a fresh one',
};

/**
 * Messages name their conversation by `conversation_id`; conversation events carry the
 * conversation itself (`id`, and `assigned_user_id`, which then decides the audience as of the
 * event) or a reference to it.
 */
export function conversationOf(event: DomainEvent): ConversationRef | undefined {
  const parsed = conversationPayload.safeParse(event.payload);
  if (!parsed.success) return undefined;
  const { id, conversation_id, assigned_user_id } = parsed.data;
  if (conversation_id) return { id: conversation_id };
  if (!event.type.startsWith('conversation.') || !id) return undefined;
  return assigned_user_id === undefined ? { id } : { id, assignedUserId: assigned_user_id };
}

export interface ListenerDeps {
  events: DomainEvents;
  nsp: CrmNamespace;
  audience: ConversationAudience;
  presence: PresenceTracker;
  logger: Logger;
}

/**
 * THE listener: every committed domain event that clients hear about becomes one emit here.
 * Domain events are in-process, so only the instance where the event happened emits; the
 * Socket.IO adapter carries it to sockets on the other instances.
 */
export function listenToDomainEvents({ events, nsp, audience, presence, logger }: ListenerDeps): () => void {
  return events.subscribe('*', (event) => {
    if (event.type === DomainEventType.SessionsRevoked) {
      const parsed = revokedPayload.safeParse(event.payload);
      if (!parsed.success) return;
      const { user_id, session_ids, except_session_id } = parsed.data;
      // Through the adapter, so the user's sockets on every instance hear it and are dropped.
      const ended = session_ids ? session_ids.map(rooms.session) : rooms.user(user_id);
      const kept = except_session_id ? rooms.session(except_session_id) : [];
      nsp.to(ended).except(kept).emit('system:error', SESSION_ENDED);
      nsp.in(ended).except(kept).disconnectSockets(true);
      return;
    }
    if (event.type === DomainEventType.PresenceUpdated) {
      nsp.to(rooms.tenant(event.tenantId)).emit('presence:update', event.payload);
      return;
    }
    if (event.actorUserId) presence.active({ tenantId: event.tenantId, userId: event.actorUserId });
    const name = SOCKET_EVENT_OF[event.type];
    if (!name) return;
    const ref = conversationOf(event);
    if (!ref) {
      logger.warn({ event: event.type }, 'domain event names no conversation; not sent to sockets');
      return;
    }
    if (event.type === DomainEventType.ConversationDeleted) {
      if (ref.assignedUserId === undefined)
        logger.warn('conversation.deleted without its assignee; not sent');
      else audience.deleted(event.tenantId, { id: ref.id, assignedUserId: ref.assignedUserId });
      return;
    }
    audience.send(event.tenantId, ref, name, event.payload, {
      previousAssignedUserId: event.previousAssignedUserId,
    });
  });
}
