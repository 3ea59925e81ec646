import { badRequest } from '../../http/errors.js';
import type { Conversation, ConversationEventKind, ConversationStatus } from './conversations.table.js';

/**
 * The status machine: queue -> active (assigned) -> transferred (until the new assignee acts)
 * -> closed; a closed conversation reopens to the queue (new inbound message, or by hand).
 * Assignment changes statuses through the functions below; PATCH may only close, reopen, or
 * activate an assigned conversation.
 */

export interface StatusChange {
  status: ConversationStatus;
  kind: Extract<ConversationEventKind, 'status_changed' | 'reopened'>;
  /** A conversation back in the queue belongs to nobody. */
  clearAssignee: boolean;
}

const invalid = (message: string) => badRequest(message, [{ field: 'status', message }]);

const isAssigned = (c: Pick<Conversation, 'assignedUserId' | 'assignedBotId'>) =>
  c.assignedUserId !== null || c.assignedBotId !== null;

/** What `PATCH {status}` does; undefined when nothing changes. */
export function patchStatus(c: Conversation, target: ConversationStatus): StatusChange | undefined {
  if (target === c.status) return undefined;
  switch (target) {
    case 'closed':
      return { status: 'closed', kind: 'status_changed', clearAssignee: false };
    case 'transferred':
      throw invalid('Use POST /conversations/:id/transfer to transfer a conversation');
    case 'queue':
      if (c.status !== 'closed') throw invalid('Unassign the conversation to put it back in the queue');
      return { status: 'queue', kind: 'reopened', clearAssignee: true };
    case 'active':
      if (!isAssigned(c)) throw invalid('Assign the conversation before making it active');
      return {
        status: 'active',
        kind: c.status === 'closed' ? 'reopened' : 'status_changed',
        clearAssignee: false,
      };
  }
}

/** A new inbound message reopens a closed conversation to the queue; otherwise nothing changes. */
export const reopenOnInbound = (c: Conversation): StatusChange | undefined =>
  c.status === 'closed' ? { status: 'queue', kind: 'reopened', clearAssignee: true } : undefined;

/** Assigned conversations are active; a closed one stays closed until reopened. */
export const statusOnAssign = (c: Conversation): ConversationStatus =>
  c.status === 'closed' ? 'closed' : 'active';

export const statusOnUnassign = (c: Conversation): ConversationStatus =>
  c.status === 'closed' ? 'closed' : 'queue';

/** A transferred conversation becomes active once its new assignee (user or bot) acts in it. */
export function activateOnAct(
  c: Conversation,
  actor: { userId?: string | null; botId?: string | null },
): StatusChange | undefined {
  if (c.status !== 'transferred') return undefined;
  const byAssignee =
    (actor.userId != null && actor.userId === c.assignedUserId) ||
    (actor.botId != null && actor.botId === c.assignedBotId);
  return byAssignee ? { status: 'active', kind: 'status_changed', clearAssignee: false } : undefined;
}

/** The columns a status change writes. */
export const statusColumns = (status: ConversationStatus) => ({
  status,
  closedAt: status === 'closed' ? new Date() : null,
});
