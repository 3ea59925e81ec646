import { eq, isNull, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../http/context.js';
import { conversations } from './conversations.table.js';

/** Supervisors and admins (conversations:read_all) see every conversation of their tenant. */
export const seesAllConversations = (ctx: RequestContext) => ctx.permissions.has('conversations:read_all');

/**
 * The privacy rule, as one SQL filter on `conversations` that every query about conversations,
 * their messages and their contacts adds (by id, lists, search, counts): agents see their own,
 * unassigned and bot-assigned conversations. Undefined when the caller sees everything.
 * Always combine with `eq(conversations.tenantId, ctx.tenantId)`.
 */
export function conversationVisibility(ctx: RequestContext): SQL | undefined {
  if (seesAllConversations(ctx)) return undefined;
  // A bot-assigned conversation has no assigned user (the XOR check), so it is covered by IS NULL.
  return or(isNull(conversations.assignedUserId), eq(conversations.assignedUserId, ctx.userId));
}

/** The same rule for one loaded row (after-commit fan-out, socket joins). */
export function canSeeConversation(
  ctx: Pick<RequestContext, 'permissions' | 'userId' | 'tenantId'>,
  row: { tenantId: string; assignedUserId: string | null },
): boolean {
  if (row.tenantId !== ctx.tenantId) return false;
  if (ctx.permissions.has('conversations:read_all')) return true;
  return row.assignedUserId === null || row.assignedUserId === ctx.userId;
}
