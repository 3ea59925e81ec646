import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { recordConversationEvent } from '../../features/conversations/conversation-events.js';
import { conversations, type Conversation } from '../../features/conversations/conversations.table.js';

export interface ConversationPick {
  conversation: Conversation;
  created: boolean;
}

/**
 * The open conversation of a contact on a number, else its most recent closed one, locked for the
 * message insert (insertMessage needs its row locked).
 */
async function latest(tx: Tx, tenantId: string, contactId: string, integrationId: string) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        eq(conversations.contactId, contactId),
        eq(conversations.integrationId, integrationId),
      ),
    )
    .orderBy(
      asc(sql`${conversations.status} = 'closed'`),
      desc(conversations.lastMessageAt),
      desc(conversations.id),
    )
    .limit(1)
    .for('update');
  return row;
}

/**
 * Where an inbound message goes: the open conversation, or the latest closed one (the message
 * insert reopens it, so a contact never gets a second thread), or a new one. Two deliveries
 * racing to create it meet on the partial unique index: the loser inserts nothing and reads
 * the winner's row. The conversation returned is locked by the caller's transaction.
 */
export async function findOrOpenConversation(
  tx: Tx,
  tenantId: string,
  contactId: string,
  integrationId: string,
): Promise<ConversationPick> {
  const existing = await latest(tx, tenantId, contactId, integrationId);
  if (existing) return { conversation: existing, created: false };
  const [created] = await tx
    .insert(conversations)
    .values({ tenantId, contactId, integrationId })
    .onConflictDoNothing()
    .returning();
  if (created) {
    await recordConversationEvent(tx, created, {
      kind: 'created',
      actorUserId: null,
      toStatus: created.status,
    });
    return { conversation: created, created: true };
  }
  const theirs = await latest(tx, tenantId, contactId, integrationId);
  if (!theirs) throw new Error('a conversation insert conflicted but no conversation was found');
  return { conversation: theirs, created: false };
}
