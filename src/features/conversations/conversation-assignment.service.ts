import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, forbidden } from '../../http/errors.js';
import { DomainEventType } from '../../platform/event-types.js';
import { recordAudit } from '../audit/audit.service.js';
import { bots } from '../bots/bots.table.js';
import { users } from '../users/users.table.js';
import { transactionWithEvents, type Outbox } from './after-commit.js';
import { asAssignmentConflict, assignmentConflict } from './assignment-conflict.js';
import { seesAllConversations } from './conversation-access.js';
import { loadConversationDto } from './conversation-dto.js';
import { assigneeOf, recordConversationEvent, type Assignee } from './conversation-events.js';
import { findVisibleConversation } from './conversation-lookup.js';
import { statusColumns, statusOnAssign, statusOnUnassign } from './conversation-status.js';
import type { AssignInput, TransferInput } from './conversations.schema.js';
import { conversations, type Conversation, type ConversationStatus } from './conversations.table.js';
import type { ConversationsDeps } from './conversations.service.js';
import { domainEvent } from './domain-event.js';

/** `{user_id}` | `{bot_id}` | nothing; both is the one answer the database would also give. */
function targetOf(input: {
  user_id?: string | undefined;
  bot_id?: string | undefined;
}): Assignee | undefined {
  if (input.user_id && input.bot_id) throw assignmentConflict();
  if (input.user_id) return { userId: input.user_id, botId: null };
  if (input.bot_id) return { userId: null, botId: input.bot_id };
  return undefined;
}

/** The new assignee must be an active user or a bot of the caller's tenant. */
async function assertAssignable(tx: Tx, ctx: RequestContext, target: Assignee) {
  if (target.userId) {
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.id, target.userId),
          eq(users.tenantId, ctx.tenantId),
          eq(users.disabled, false),
          isNull(users.deactivatedAt),
        ),
      );
    if (!user) throw badRequest('Unknown user', [{ field: 'user_id', message: 'Unknown user' }]);
  }
  if (target.botId) {
    const [bot] = await tx
      .select({ id: bots.id })
      .from(bots)
      .where(and(eq(bots.id, target.botId), eq(bots.tenantId, ctx.tenantId)));
    if (!bot) throw badRequest('Unknown bot', [{ field: 'bot_id', message: 'Unknown bot' }]);
  }
}

const sameAssignee = (a: Assignee, b: Assignee) => a.userId === b.userId && a.botId === b.botId;

export function createAssignmentService({ db, events }: ConversationsDeps) {
  const transaction = transactionWithEvents(db, events);

  /** Writes the new assignee and status, the trail entry and the audit row; queues the events. */
  async function reassign(
    tx: Tx,
    outbox: Outbox,
    ctx: RequestContext,
    current: Conversation,
    change: {
      to: Assignee;
      status: ConversationStatus;
      kind: 'assigned' | 'unassigned' | 'transferred';
      resetUnread?: boolean;
      note?: string | undefined;
    },
  ) {
    await asAssignmentConflict(() =>
      tx
        .update(conversations)
        .set({
          assignedUserId: change.to.userId,
          assignedBotId: change.to.botId,
          ...(change.status !== current.status ? statusColumns(change.status) : {}),
          ...(change.resetUnread ? { unreadCount: 0 } : {}),
        })
        .where(and(eq(conversations.id, current.id), eq(conversations.tenantId, ctx.tenantId))),
    );
    const from = assigneeOf(current);
    await recordConversationEvent(tx, current, {
      kind: change.kind,
      actorUserId: ctx.userId,
      from,
      to: change.to,
      fromStatus: current.status,
      toStatus: change.status,
      note: change.note ?? null,
    });
    await recordAudit(tx, ctx, {
      action: change.kind === 'transferred' ? 'transfer' : change.kind === 'assigned' ? 'assign' : 'unassign',
      entityType: 'conversation',
      entityId: current.id,
      changes: {
        from_user_id: from.userId,
        from_bot_id: from.botId,
        to_user_id: change.to.userId,
        to_bot_id: change.to.botId,
        ...(change.note ? { note: change.note } : {}),
      },
    });
    const dto = await loadConversationDto(tx, ctx.tenantId, current.id);
    outbox.push(domainEvent(DomainEventType.ConversationAssigned, ctx, dto, current));
    if (change.status !== current.status) {
      outbox.push(domainEvent(DomainEventType.ConversationStatusChanged, ctx, dto));
    }
    if (change.resetUnread && current.unreadCount > 0) {
      outbox.push(domainEvent(DomainEventType.ConversationUnreadReset, ctx, dto));
    }
    return dto;
  }

  return {
    /**
     * Assigns to a user, a bot, or (empty body) the caller, and resets the unread counter.
     * Without conversations:read_all a caller may only take a conversation for itself.
     */
    async assign(ctx: RequestContext, id: string, input: AssignInput) {
      const to = targetOf(input) ?? { userId: ctx.userId, botId: null };
      return transaction(async (tx, outbox) => {
        const current = await findVisibleConversation(tx, ctx, id, { lock: true });
        if (!seesAllConversations(ctx) && to.userId !== ctx.userId) {
          throw forbidden('Only supervisors assign conversations to others; transfer your own instead');
        }
        await assertAssignable(tx, ctx, to);
        return reassign(tx, outbox, ctx, current, {
          to,
          status: statusOnAssign(current),
          kind: 'assigned',
          resetUnread: true,
        });
      });
    },

    /** Back to the queue. Without conversations:read_all only one's own conversation. */
    unassign: (ctx: RequestContext, id: string) =>
      transaction(async (tx, outbox) => {
        const current = await findVisibleConversation(tx, ctx, id, { lock: true });
        if (!seesAllConversations(ctx) && current.assignedUserId !== ctx.userId) {
          throw forbidden('You can only unassign conversations assigned to you');
        }
        const nobody = { userId: null, botId: null };
        if (sameAssignee(assigneeOf(current), nobody)) return loadConversationDto(tx, ctx.tenantId, id);
        return reassign(tx, outbox, ctx, current, {
          to: nobody,
          status: statusOnUnassign(current),
          kind: 'unassigned',
        });
      }),

    /**
     * Hands the conversation to another user or bot; it stays `transferred` until the new assignee
     * acts. Without conversations:read_all only one's own conversation.
     */
    async transfer(ctx: RequestContext, id: string, input: TransferInput) {
      const to = targetOf(input);
      if (!to) {
        throw badRequest('Transfer to a user or a bot', [
          { field: 'user_id', message: 'user_id or bot_id is required' },
        ]);
      }
      return transaction(async (tx, outbox) => {
        const current = await findVisibleConversation(tx, ctx, id, { lock: true });
        if (!seesAllConversations(ctx) && current.assignedUserId !== ctx.userId) {
          throw forbidden('You can only transfer conversations assigned to you');
        }
        if (current.status === 'closed') {
          throw badRequest('A closed conversation cannot be transferred', [
            { field: 'status', message: 'Reopen the conversation first' },
          ]);
        }
        if (sameAssignee(assigneeOf(current), to)) {
          const field = to.userId ? 'user_id' : 'bot_id';
          throw badRequest('The conversation is already assigned there', [
            { field, message: 'Already the assignee' },
          ]);
        }
        await assertAssignable(tx, ctx, to);
        return reassign(tx, outbox, ctx, current, {
          to,
          status: 'transferred',
          kind: 'transferred',
          note: input.note,
        });
      });
    },
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
