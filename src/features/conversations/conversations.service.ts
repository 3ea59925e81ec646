import { and, count, desc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import { recordAudit } from '../audit/audit.service.js';
import { contactScope } from '../contacts/contact-access.js';
import { contacts } from '../contacts/contacts.table.js';
import { whatsappIntegrations } from '../integrations/integrations.table.js';
import { transactionWithEvents } from './after-commit.js';
import { loadConversationDto, selectConversations, toConversationDtos } from './conversation-dto.js';
import { assigneeOf, listConversationEvents, recordConversationEvent } from './conversation-events.js';
import { conversationListWhere } from './conversation-filters.js';
import { findVisibleConversation, visibleConversations } from './conversation-lookup.js';
import { markConversationRead } from './conversation-read.js';
import { patchStatus, statusColumns } from './conversation-status.js';
import type {
  ConversationFilters,
  CreateConversationInput,
  UpdateConversationInput,
} from './conversations.schema.js';
import { conversations } from './conversations.table.js';
import { domainEvent } from './domain-event.js';
import { pastTimeKey, parseCursor, takePage, timeKey } from './keyset.js';

export interface ConversationsDeps {
  db: Db;
  events: DomainEvents;
}

/** Two open conversations of one contact on one number would split its history. */
export async function uniqueOpenConversation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('This contact already has an open conversation on this number');
    throw err;
  }
}

/**
 * The contact must be one the caller may read (404 like GET /contacts/:id: opening a conversation
 * must not become a way to see a contact the privacy rule hides); the number, one of the tenant's.
 */
async function assertReferences(tx: Executor, ctx: RequestContext, input: CreateConversationInput) {
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, input.contact_id), contactScope(ctx)));
  if (!contact) throw notFound('Contact');
  if (!input.integration_id) return;
  const [integration] = await tx
    .select({ id: whatsappIntegrations.id })
    .from(whatsappIntegrations)
    .where(
      and(eq(whatsappIntegrations.id, input.integration_id), eq(whatsappIntegrations.tenantId, ctx.tenantId)),
    );
  if (!integration) {
    throw badRequest('Unknown integration', [{ field: 'integration_id', message: 'Unknown integration' }]);
  }
}

const newestFirst = [desc(conversations.lastMessageAt), desc(conversations.id)];

export function createConversationsService({ db, events }: ConversationsDeps) {
  const transaction = transactionWithEvents(db, events);

  return {
    async list(ctx: RequestContext, q: PageQuery & ConversationFilters) {
      const where = conversationListWhere(ctx, q);
      const [rows, [total]] = await Promise.all([
        selectConversations(db)
          .where(where)
          .orderBy(...newestFirst)
          .limit(q.limit)
          .offset(offsetOf(q)),
        db
          .select({ n: count() })
          .from(conversations)
          .innerJoin(contacts, eq(contacts.id, conversations.contactId))
          .where(where),
      ]);
      return toPage(await toConversationDtos(db, rows), total?.n ?? 0, q);
    },

    async listByCursor(
      ctx: RequestContext,
      q: { cursor?: string | undefined; limit: number } & ConversationFilters,
    ) {
      const key = parseCursor(q.cursor, timeKey);
      const rows = await selectConversations(db)
        .where(
          and(
            conversationListWhere(ctx, q),
            key ? pastTimeKey(conversations.lastMessageAt, conversations.id, key, 'desc') : undefined,
          ),
        )
        .orderBy(...newestFirst)
        .limit(q.limit + 1);
      const { page, nextCursor } = takePage(rows, q.limit, (r) => ({ t: r.sortTime, id: r.conversation.id }));
      return { data: await toConversationDtos(db, page), meta: { limit: q.limit, next_cursor: nextCursor } };
    },

    async get(ctx: RequestContext, id: string) {
      const rows = await selectConversations(db).where(
        and(eq(conversations.id, id), visibleConversations(ctx)),
      );
      const [dto] = await toConversationDtos(db, rows);
      if (!dto) throw notFound('Conversation');
      return dto;
    },

    create: (ctx: RequestContext, input: CreateConversationInput) =>
      uniqueOpenConversation(() =>
        transaction(async (tx, outbox) => {
          await assertReferences(tx, ctx, input);
          const [row] = await tx
            .insert(conversations)
            .values({
              tenantId: ctx.tenantId,
              contactId: input.contact_id,
              integrationId: input.integration_id ?? null,
            })
            .returning();
          await recordConversationEvent(tx, row!, {
            kind: 'created',
            actorUserId: ctx.userId,
            toStatus: row!.status,
          });
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'conversation',
            entityId: row!.id,
            changes: input,
          });
          const dto = await loadConversationDto(tx, ctx.tenantId, row!.id);
          outbox.push(domainEvent(DomainEventType.ConversationCreated, ctx, dto));
          return dto;
        }),
      ),

    update: (ctx: RequestContext, id: string, input: UpdateConversationInput) =>
      uniqueOpenConversation(() =>
        transaction(async (tx, outbox) => {
          const current = await findVisibleConversation(tx, ctx, id, { lock: true });
          const change = input.status === undefined ? undefined : patchStatus(current, input.status);
          const priority = input.priority !== undefined && input.priority !== current.priority;
          if (!change && !priority) return loadConversationDto(tx, ctx.tenantId, id);
          await tx
            .update(conversations)
            .set({
              ...(priority ? { priority: input.priority } : {}),
              ...(change ? statusColumns(change.status) : {}),
              ...(change?.clearAssignee ? { assignedUserId: null, assignedBotId: null } : {}),
            })
            .where(and(eq(conversations.id, id), eq(conversations.tenantId, ctx.tenantId)));
          if (change) {
            await recordConversationEvent(tx, current, {
              kind: change.kind,
              actorUserId: ctx.userId,
              from: assigneeOf(current),
              ...(change.clearAssignee ? { to: { userId: null, botId: null } } : {}),
              fromStatus: current.status,
              toStatus: change.status,
            });
          }
          await recordAudit(tx, ctx, {
            action: 'update',
            entityType: 'conversation',
            entityId: id,
            changes: {
              ...(change ? { status: { from: current.status, to: change.status } } : {}),
              ...(priority ? { priority: { from: current.priority, to: input.priority } } : {}),
            },
          });
          const dto = await loadConversationDto(tx, ctx.tenantId, id);
          outbox.push(domainEvent(DomainEventType.ConversationUpdated, ctx, dto, current));
          if (change) outbox.push(domainEvent(DomainEventType.ConversationStatusChanged, ctx, dto));
          return dto;
        }),
      ),

    remove: (ctx: RequestContext, id: string) =>
      transaction(async (tx, outbox) => {
        const current = await findVisibleConversation(tx, ctx, id, { lock: true });
        const dto = await loadConversationDto(tx, ctx.tenantId, id);
        await tx
          .delete(conversations)
          .where(and(eq(conversations.id, id), eq(conversations.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'conversation',
          entityId: id,
          changes: { contact_id: current.contactId, status: current.status },
        });
        outbox.push(domainEvent(DomainEventType.ConversationDeleted, ctx, dto));
      }),

    async events(ctx: RequestContext, id: string, q: PageQuery) {
      return listConversationEvents(db, await findVisibleConversation(db, ctx, id), q);
    },

    markRead: (ctx: RequestContext, id: string) =>
      transaction(async (tx, outbox) => {
        const current = await findVisibleConversation(tx, ctx, id, { lock: true });
        await markConversationRead(tx, current);
        const dto = await loadConversationDto(tx, ctx.tenantId, id);
        outbox.push(domainEvent(DomainEventType.ConversationRead, ctx, dto));
        return dto;
      }),

    markUnread: (ctx: RequestContext, id: string) =>
      transaction(async (tx, outbox) => {
        await findVisibleConversation(tx, ctx, id, { lock: true });
        await tx
          .update(conversations)
          .set({ read: false })
          .where(and(eq(conversations.id, id), eq(conversations.tenantId, ctx.tenantId)));
        const dto = await loadConversationDto(tx, ctx.tenantId, id);
        outbox.push(domainEvent(DomainEventType.ConversationUnread, ctx, dto));
        return dto;
      }),
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
