import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { contacts, type Contact } from '../../features/contacts/contacts.table.js';
import { conversations } from '../../features/conversations/conversations.table.js';
import {
  whatsappIntegrations,
  type WhatsappIntegration,
} from '../../features/integrations/integrations.table.js';
import { messageColumns, type MessageRow } from '../../features/messages/message-dto.js';
import { messageAttachments, messages } from '../../features/messages/messages.table.js';
import { mediaObjects, type MediaObject } from '../../features/media/media.table.js';

/** Everything a send of one message depends on, read in one go. */
export interface SendFacts {
  message: MessageRow;
  /** Null when the conversation lost its integration (deleted). */
  integration: WhatsappIntegration | null;
  contact: Contact;
  /** The wamid of the message it replies to, when that one reached WhatsApp. */
  replyToWamid: string | null;
  /** The first attachment's stored file (WhatsApp carries one per message). */
  media: MediaObject | null;
}

export async function loadSendFacts(
  exec: Executor,
  tenantId: string,
  messageId: string,
): Promise<SendFacts | undefined> {
  const [row] = await exec
    .select({
      message: messageColumns,
      integration: whatsappIntegrations,
      contact: contacts,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(whatsappIntegrations, eq(whatsappIntegrations.id, conversations.integrationId))
    .where(and(eq(messages.id, messageId), eq(messages.tenantId, tenantId)));
  if (!row) return undefined;
  const replyToId = row.message.replyToId;
  const [quoted] = replyToId
    ? await exec
        .select({ wamid: messages.whatsappMessageId })
        .from(messages)
        .where(and(eq(messages.id, replyToId), eq(messages.tenantId, tenantId)))
    : [];
  const [attachment] = await exec
    .select({ media: mediaObjects })
    .from(messageAttachments)
    .innerJoin(mediaObjects, eq(mediaObjects.id, messageAttachments.mediaId))
    .where(and(eq(messageAttachments.messageId, messageId), eq(messageAttachments.tenantId, tenantId)))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.id))
    .limit(1);
  return {
    message: row.message,
    integration: row.integration,
    contact: row.contact,
    replyToWamid: quoted?.wamid ?? null,
    media: attachment?.media ?? null,
  };
}
