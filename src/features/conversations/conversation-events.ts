import { and, asc, count, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import {
  conversationEvents,
  type Conversation,
  type ConversationEvent,
  type ConversationEventKind,
  type ConversationStatus,
} from './conversations.table.js';

/** Who a conversation is assigned to: a user, a bot, or nobody (both null). */
export interface Assignee {
  userId: string | null;
  botId: string | null;
}

export const assigneeOf = (c: Pick<Conversation, 'assignedUserId' | 'assignedBotId'>): Assignee => ({
  userId: c.assignedUserId,
  botId: c.assignedBotId,
});

export interface ConversationEventInput {
  kind: ConversationEventKind;
  /** Null when the system did it (webhook, job). */
  actorUserId: string | null;
  from?: Assignee;
  to?: Assignee;
  fromStatus?: ConversationStatus;
  toStatus?: ConversationStatus;
  note?: string | null;
}

/** Appends to the conversation's trail inside the caller's transaction. */
export async function recordConversationEvent(
  tx: Executor,
  conversation: Pick<Conversation, 'id' | 'tenantId'>,
  e: ConversationEventInput,
): Promise<void> {
  await tx.insert(conversationEvents).values({
    tenantId: conversation.tenantId,
    conversationId: conversation.id,
    kind: e.kind,
    actorUserId: e.actorUserId,
    fromUserId: e.from?.userId ?? null,
    fromBotId: e.from?.botId ?? null,
    toUserId: e.to?.userId ?? null,
    toBotId: e.to?.botId ?? null,
    fromStatus: e.fromStatus ?? null,
    toStatus: e.toStatus ?? null,
    note: e.note ?? null,
  });
}

const toEventDto = (e: ConversationEvent) => ({
  id: e.id,
  conversation_id: e.conversationId,
  kind: e.kind,
  actor_user_id: e.actorUserId,
  from_user_id: e.fromUserId,
  to_user_id: e.toUserId,
  from_bot_id: e.fromBotId,
  to_bot_id: e.toBotId,
  from_status: e.fromStatus,
  to_status: e.toStatus,
  note: e.note,
  created_at: e.createdAt.toISOString(),
});

/** The trail of one (already visibility-checked) conversation, oldest first. */
export async function listConversationEvents(exec: Executor, conversation: Conversation, q: PageQuery) {
  const where = and(
    eq(conversationEvents.conversationId, conversation.id),
    eq(conversationEvents.tenantId, conversation.tenantId),
  );
  const [rows, [total]] = await Promise.all([
    exec
      .select()
      .from(conversationEvents)
      .where(where)
      .orderBy(asc(conversationEvents.createdAt), asc(conversationEvents.id))
      .limit(q.limit)
      .offset(offsetOf(q)),
    exec.select({ n: count() }).from(conversationEvents).where(where),
  ]);
  return toPage(rows.map(toEventDto), total?.n ?? 0, q);
}
