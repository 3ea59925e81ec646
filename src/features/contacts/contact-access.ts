import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { RequestContext } from '../../http/context.js';
import { conversationVisibility } from '../conversations/conversation-access.js';
import { conversations } from '../conversations/conversations.table.js';
import { contacts } from './contacts.table.js';

/**
 * The privacy rule for contacts: a caller who cannot see every conversation sees a contact only
 * through a conversation it can see. `contactId` is the column that holds the contact's id in the
 * outer query (contacts.id by default). Undefined when the caller sees every contact of its tenant.
 * The EXISTS runs on conversations_tenant_contact_idx.
 */
export function contactVisibility(
  ctx: RequestContext,
  contactId: AnyPgColumn = contacts.id,
): SQL | undefined {
  const visible = conversationVisibility(ctx);
  if (!visible) return undefined;
  return sql`exists (select 1 from ${conversations} where ${and(
    eq(conversations.tenantId, ctx.tenantId),
    eq(conversations.contactId, contactId),
    visible,
  )})`;
}

/** Contacts of the caller's tenant that the caller may see. */
export const contactScope = (ctx: RequestContext) =>
  and(eq(contacts.tenantId, ctx.tenantId), contactVisibility(ctx));
