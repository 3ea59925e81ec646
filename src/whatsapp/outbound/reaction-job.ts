import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Job } from 'pg-boss';
import { contacts } from '../../features/contacts/contacts.table.js';
import { conversations } from '../../features/conversations/conversations.table.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { messageReactions, messages } from '../../features/messages/messages.table.js';
import { reactionBody } from './bodies.js';
import { createGraphAttempt } from './graph-attempt.js';
import type { OutboundDeps } from './outbound-deps.js';
import { recipientOf } from './recipient.js';
import { SEND_RETRY } from './retry-policy.js';

export interface ReactionJobData {
  tenantId: string;
  /** The message reacted to. */
  messageId: string;
}

/** Re-sends at most this many times when the inbox changed while a send was on its way. */
const MAX_CATCH_UPS = 3;

/**
 * WhatsApp keeps one reaction per sender, and the sender is the business number, not the agent:
 * the job sends the inbox's current business reaction (the newest by an agent or bot, or "" to
 * remove it) rather than the change that enqueued it. Jobs may then run in any order: after each
 * send the job looks again and sends once more if the inbox moved on meanwhile.
 */
export function createReactionJob(d: OutboundDeps) {
  const attempt = createGraphAttempt(d);

  async function facts(data: ReactionJobData) {
    const [row] = await d.db
      .select({ wamid: messages.whatsappMessageId, integration: whatsappIntegrations, contact: contacts })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .innerJoin(whatsappIntegrations, eq(whatsappIntegrations.id, conversations.integrationId))
      .where(and(eq(messages.id, data.messageId), eq(messages.tenantId, data.tenantId)));
    return row;
  }

  async function currentEmoji(data: ReactionJobData): Promise<string> {
    const [newest] = await d.db
      .select({ emoji: messageReactions.emoji })
      .from(messageReactions)
      .where(
        and(
          eq(messageReactions.messageId, data.messageId),
          eq(messageReactions.tenantId, data.tenantId),
          inArray(messageReactions.senderType, ['user', 'bot']),
        ),
      )
      .orderBy(desc(messageReactions.createdAt), desc(messageReactions.id))
      .limit(1);
    return newest?.emoji ?? '';
  }

  return async function react(job: Job<ReactionJobData>): Promise<void> {
    const row = await facts(job.data);
    const to = row && recipientOf(row.contact);
    if (!row?.wamid || !to) return;
    const wamid = row.wamid;
    let sent: string | undefined;
    for (let i = 0; i <= MAX_CATCH_UPS; i++) {
      const emoji = await currentEmoji(job.data);
      if (emoji === sent) return;
      if (!(await attempt(job, SEND_RETRY.retryLimit, row.integration, () => reactionBody(to, wamid, emoji))))
        return;
      sent = emoji;
    }
  };
}
