import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { contacts } from '../../features/contacts/contacts.table.js';
import { visibleConversations } from '../../features/conversations/conversation-lookup.js';
import { conversations } from '../../features/conversations/conversations.table.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { MessageService } from '../../features/messages/messages.service.js';
import type { RequestContext } from '../../http/context.js';
import { AppError, badRequest } from '../../http/errors.js';
import type { SendMediaWrapperInput, SendMessageWrapperInput } from './send-wrappers.schema.js';

export interface SendWrappersDeps {
  db: Db;
  messages: MessageService;
}

type Addressed = Pick<SendMessageWrapperInput, 'conversation_id' | 'to' | 'integration_id'>;

const noWindow = () =>
  new AppError(
    422,
    'WINDOW_CLOSED',
    'The 24-hour customer service window is closed: this number has not written to this WhatsApp number recently, only a template can reach it',
  );

/**
 * The seed's send endpoints, as thin wrappers over POST /messages: same checks (visibility, the
 * 24-hour window), same pipeline. `to` names a phone number on one of the tenant's numbers.
 */
export function createSendWrappers({ db, messages }: SendWrappersDeps) {
  /** The given integration, or the tenant's only one. */
  async function integrationFor(ctx: RequestContext, id: string | undefined): Promise<string> {
    const rows = await db
      .select({ id: whatsappIntegrations.id })
      .from(whatsappIntegrations)
      .where(
        and(
          eq(whatsappIntegrations.tenantId, ctx.tenantId),
          id ? eq(whatsappIntegrations.id, id) : undefined,
        ),
      )
      .limit(2);
    if (id && rows.length === 0)
      throw badRequest('Unknown integration', [{ field: 'integration_id', message: 'Unknown integration' }]);
    if (rows.length === 0)
      throw badRequest('No WhatsApp number is connected', [{ field: 'to', message: 'No WhatsApp number' }]);
    if (rows.length > 1)
      throw badRequest('Several WhatsApp numbers are connected: say which one', [
        { field: 'integration_id', message: 'Required when the tenant has several WhatsApp numbers' },
      ]);
    return rows[0]!.id;
  }

  /**
   * The conversation with this number: its open one, else its latest, among those the caller may
   * see. A number without any has never written to this WhatsApp number, so a free-form message
   * cannot reach it (422) and nothing is created for it; one whose conversations are hidden from
   * the caller is answered the same, so `to` does not reveal them.
   */
  async function conversationFor(ctx: RequestContext, input: Addressed): Promise<string> {
    if (input.conversation_id) return input.conversation_id;
    const phone = input.to!;
    const integrationId = await integrationFor(ctx, input.integration_id);
    const [row] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(
        and(
          visibleConversations(ctx),
          eq(conversations.integrationId, integrationId),
          or(eq(contacts.phoneNumber, phone), eq(contacts.externalId, phone.slice(1))),
        ),
      )
      .orderBy(
        asc(sql`${conversations.status} = 'closed'`),
        desc(conversations.lastMessageAt),
        desc(conversations.id),
      )
      .limit(1);
    if (!row) throw noWindow();
    return row.id;
  }

  return {
    sendText: async (ctx: RequestContext, input: SendMessageWrapperInput) =>
      messages.send(ctx, { conversation_id: await conversationFor(ctx, input), body: input.text }),

    sendMedia: async (ctx: RequestContext, input: SendMediaWrapperInput) =>
      messages.send(ctx, {
        conversation_id: await conversationFor(ctx, input),
        attachment_ids: [input.attachment_id],
        ...(input.caption ? { body: input.caption } : {}),
      }),
  };
}

export type SendWrappers = ReturnType<typeof createSendWrappers>;
