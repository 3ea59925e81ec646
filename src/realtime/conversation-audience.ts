import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
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

/**
 * Sends events about a conversation to everyone allowed to see it, and to no one else:
 * - unassigned or bot-assigned: the whole tenant (every agent's inbox list);
 * - assigned: the assignee and every user whose role reads all conversations, through their
 *   user rooms (all their sockets, on every instance).
 * Everyone entitled to be in `conversation_{id}` is in that audience, so the room itself is not a
 * target: it could only add sockets that lost access, such as a session restored by connection-state
 * recovery. Those are sent `left_conversation` and removed from the room instead. One emit per
 * event, so a socket in several target rooms gets it once. Per conversation, events leave in the
 * order they were sent.
 */
export function createConversationAudience(nsp: CrmNamespace, db: Db, logger: Logger) {
  const queue = createKeyedQueue((err) => logger.error({ err }, 'realtime delivery failed'));

  function removeStaleMembers(conversationId: string, allowed: string[]): void {
    const room = rooms.conversation(conversationId);
    const stale = nsp.in(room).except(allowed);
    stale.emit('left_conversation', { conversation_id: conversationId, timestamp: new Date().toISOString() });
    stale.socketsLeave(room);
  }

  /** The rooms to send to, or undefined when the conversation is not (or no longer) the tenant's. */
  async function audienceOf(tenantId: string, ref: ConversationRef): Promise<string[] | undefined> {
    let assignee = ref.assignedUserId;
    if (assignee === undefined) {
      const row = await findConversationAccess(db, tenantId, ref.id);
      if (!row) return undefined;
      assignee = row.assignedUserId;
    }
    if (assignee === null) return [rooms.tenant(tenantId)];
    const allowed = [...new Set([assignee, ...(await readAllUserIds(db, tenantId))])].map(rooms.user);
    removeStaleMembers(ref.id, allowed);
    return allowed;
  }

  return {
    /** Queues one event for the conversation's audience, optionally leaving out one user's sockets. */
    send(
      tenantId: string,
      ref: ConversationRef,
      event: string,
      payload: unknown,
      exceptUserId?: string,
    ): void {
      queue.push(ref.id, async () => {
        const audience = await audienceOf(tenantId, ref);
        if (!audience) return;
        const target = nsp.to(audience);
        (exceptUserId ? target.except(rooms.user(exceptUserId)) : target).emit(event, payload);
      });
    },

    drain: () => queue.drain(),
  };
}

export type ConversationAudience = ReturnType<typeof createConversationAudience>;
