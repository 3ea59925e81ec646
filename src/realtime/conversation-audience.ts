import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { viewersOf, type ConversationViewers } from '../features/conversations/conversation-access.js';
import { findConversationAccess, readAllUserIds } from './conversation-reads.js';
import { createKeyedQueue } from './keyed-queue.js';
import { rooms } from './rooms.js';
import type { CrmNamespace } from './socket-auth.js';

/** A conversation an event is about. */
export interface ConversationRef {
  id: string;
  /** Known when the payload is the conversation itself; read from the database otherwise. */
  assignedUserId?: string | null;
}

export interface SendOptions {
  /** Leaves out this user's sockets (a typist does not hear its own typing). */
  exceptUserId?: string | undefined;
  /**
   * The assignee before the event's change, when it may have changed who sees the conversation:
   * whoever saw it then and not now gets `conversation:removed` instead of the event.
   */
  previousAssignedUserId?: string | null | undefined;
}

/** The one event that tells a client a conversation left its view (API notes in README). */
export const REMOVED_EVENT = 'conversation:removed';
export const DELETED_EVENT = 'conversation:deleted';

/**
 * Sends events about a conversation to everyone the privacy rule (conversation-access.ts) lets see
 * it, and to no one else: `viewersOf` says who, this module only turns that into rooms
 * (everyone -> the tenant room; an assignee -> their user room plus the user rooms of whoever reads
 * all conversations, so every socket of theirs, on every instance).
 * Everyone entitled to be in `conversation_{id}` is in that audience, so the room itself is not a
 * target: it could only add sockets that lost access, such as a session restored by connection-state
 * recovery. Those are sent `left_conversation` and removed from the room instead. One emit per
 * event, so a socket in several target rooms gets it once. Per conversation, events leave in the
 * order they were sent.
 */
export function createConversationAudience(nsp: CrmNamespace, db: Db, logger: Logger) {
  const queue = createKeyedQueue((err) => logger.error({ err }, 'realtime delivery failed'));
  const stamp = (conversationId: string) => ({
    conversation_id: conversationId,
    timestamp: new Date().toISOString(),
  });

  async function roomsOf(tenantId: string, viewers: ConversationViewers): Promise<string[]> {
    if (viewers.everyone) return [rooms.tenant(tenantId)];
    return [...new Set([viewers.assignee, ...(await readAllUserIds(db, tenantId))])].map(rooms.user);
  }

  /** Who sees it now, or undefined when the conversation is not (or no longer) the tenant's. */
  async function viewersNow(tenantId: string, ref: ConversationRef) {
    if (ref.assignedUserId !== undefined) return viewersOf({ assignedUserId: ref.assignedUserId });
    const row = await findConversationAccess(db, tenantId, ref.id);
    return row && viewersOf(row);
  }

  function removeStaleMembers(conversationId: string, allowed: string[]): void {
    const room = rooms.conversation(conversationId);
    const stale = nsp.in(room).except(allowed);
    stale.emit('left_conversation', stamp(conversationId));
    stale.socketsLeave(room);
  }

  /** Whoever saw the conversation before a change and not after it learns that it left their view. */
  async function announceLoss(
    tenantId: string,
    conversationId: string,
    before: string | null,
    after: string[],
  ) {
    const earlier = await roomsOf(tenantId, viewersOf({ assignedUserId: before }));
    nsp.to(earlier).except(after).emit(REMOVED_EVENT, stamp(conversationId));
  }

  return {
    /** Queues one event for the conversation's audience. */
    send(
      tenantId: string,
      ref: ConversationRef,
      event: string,
      payload: unknown,
      options: SendOptions = {},
    ): void {
      queue.push(ref.id, async () => {
        const viewers = await viewersNow(tenantId, ref);
        if (!viewers) return;
        const audience = await roomsOf(tenantId, viewers);
        // The tenant room holds every socket that may be in the conversation's room.
        if (!viewers.everyone) removeStaleMembers(ref.id, audience);
        const before = options.previousAssignedUserId;
        if (before !== undefined && before !== (viewers.everyone ? null : viewers.assignee)) {
          await announceLoss(tenantId, ref.id, before, audience);
        }
        const target = nsp.to(audience);
        (options.exceptUserId ? target.except(rooms.user(options.exceptUserId)) : target).emit(
          event,
          payload,
        );
      });
    },

    /** A deleted conversation: everyone who could see it is told, and its room is emptied. */
    deleted(tenantId: string, ref: Required<ConversationRef>): void {
      queue.push(ref.id, async () => {
        const audience = await roomsOf(tenantId, viewersOf(ref));
        const room = rooms.conversation(ref.id);
        nsp.to([...audience, room]).emit(DELETED_EVENT, stamp(ref.id));
        nsp.in(room).socketsLeave(room);
      });
    },

    drain: () => queue.drain(),
  };
}

export type ConversationAudience = ReturnType<typeof createConversationAudience>;
