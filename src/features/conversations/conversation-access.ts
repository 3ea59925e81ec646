import { eq, isNull, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../http/context.js';
import type { Permission } from '../roles/permissions.js';
import { conversations } from './conversations.table.js';

/**
 * THE privacy rule for conversations, and every place that needs it asks this module: REST
 * (`conversationVisibility`, SQL), socket joins (`canSeeConversation`, one row) and the realtime
 * fan-out (`viewersOf`, who to send to). Supervisors and admins (conversations:read_all) see every
 * conversation of their tenant; everyone else sees the unassigned and bot-assigned ones and their
 * own. Contacts, messages and media are visible through the conversations they belong to.
 */
export const READ_ALL: Permission = 'conversations:read_all';

export const seesAllConversations = (ctx: Pick<RequestContext, 'permissions'>) =>
  ctx.permissions.has(READ_ALL);

/** The columns the rule reads. */
export interface ConversationAccessRow {
  tenantId: string;
  assignedUserId: string | null;
}

/**
 * Who, besides the holders of conversations:read_all, sees a conversation: every user of the tenant
 * while nobody is assigned (a bot-assigned one has no assigned user, by the XOR check), else only
 * its assignee.
 */
export type ConversationViewers = { everyone: true } | { everyone: false; assignee: string };

export const viewersOf = (row: Pick<ConversationAccessRow, 'assignedUserId'>): ConversationViewers =>
  row.assignedUserId === null ? { everyone: true } : { everyone: false, assignee: row.assignedUserId };

/** The rule for one loaded row (socket joins, after-commit checks). */
export function canSeeConversation(
  viewer: Pick<RequestContext, 'permissions' | 'userId' | 'tenantId'>,
  row: ConversationAccessRow,
): boolean {
  if (row.tenantId !== viewer.tenantId) return false;
  if (seesAllConversations(viewer)) return true;
  const viewers = viewersOf(row);
  return viewers.everyone || viewers.assignee === viewer.userId;
}

/**
 * The same rule as one SQL filter on `conversations`, for every query about conversations, their
 * messages and their contacts (by id, lists, search, counts). Undefined when the caller sees
 * everything. Always combine with `eq(conversations.tenantId, ctx.tenantId)`.
 * conversation-access.test.ts holds this and canSeeConversation to one table of cases.
 */
export function conversationVisibility(ctx: RequestContext): SQL | undefined {
  if (seesAllConversations(ctx)) return undefined;
  return or(isNull(conversations.assignedUserId), eq(conversations.assignedUserId, ctx.userId));
}
