import { and, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../http/context.js';
import { contactFilter } from '../contacts/contacts-query.js';
import { visibleConversations } from './conversation-lookup.js';
import type { ConversationFilters } from './conversations.schema.js';
import { conversations } from './conversations.table.js';

const assigneeFilter = (ctx: RequestContext, assignee: ConversationFilters['assignee']): SQL | undefined => {
  switch (assignee) {
    case 'me':
      return eq(conversations.assignedUserId, ctx.userId);
    case 'unassigned':
      return and(isNull(conversations.assignedUserId), isNull(conversations.assignedBotId));
    case 'bot':
      return isNotNull(conversations.assignedBotId);
    case 'all':
      return undefined;
  }
};

/**
 * The WHERE of both conversation lists (page and cursor): tenant, privacy, then the filters.
 * Refers to `contacts`, so the query must join it.
 */
export function conversationListWhere(ctx: RequestContext, f: ConversationFilters): SQL | undefined {
  return and(
    visibleConversations(ctx),
    assigneeFilter(ctx, f.assignee),
    f.status ? eq(conversations.status, f.status) : undefined,
    f.assigned_user_id ? eq(conversations.assignedUserId, f.assigned_user_id) : undefined,
    f.integration_id ? eq(conversations.integrationId, f.integration_id) : undefined,
    f.unread === undefined ? undefined : eq(conversations.read, !f.unread),
    // The contacts feature's own filters (search: name, phone, email, external id; tag) on the joined contact.
    f.search || f.tag_id ? contactFilter(ctx, { search: f.search, tag_id: f.tag_id }) : undefined,
  );
}
