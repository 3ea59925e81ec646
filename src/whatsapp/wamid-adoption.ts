import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { conversations } from '../features/conversations/conversations.table.js';
import { messages } from '../features/messages/messages.table.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AdoptionInput {
  tenantId: string;
  /** The number the status came for: only its conversations' messages are candidates. */
  integrationId: string;
  /** `biz_opaque_callback_data` of the status: our message id (outbound/bodies.ts). */
  messageId: string;
  wamid: string;
}

export type Adoption =
  /** The message took the wamid. */
  | { outcome: 'adopted' }
  /** The message already has this wamid (stored meanwhile by the send or another status). */
  | { outcome: 'known' }
  /** The message went out under another wamid as well: WhatsApp got it twice. */
  | { outcome: 'other'; wamid: string }
  /** No message of this tenant and number by that id. */
  | { outcome: 'none' };

/**
 * A status for a wamid we do not know, naming one of our messages: the hand-over whose answer never
 * reached us (timeout, dropped connection, process killed mid-call) did reach Meta. The message
 * adopts the wamid when it still waits for one: claimed (sent_at set) without a wamid, either
 * `pending` or failed as not confirmed (the only failure that keeps its claim, outbound/send-state.ts),
 * which goes back to `pending` for the statuses to move it on. A message with a wamid keeps it.
 */
export async function adoptWamid(exec: Executor, a: AdoptionInput): Promise<Adoption> {
  if (!UUID.test(a.messageId)) return { outcome: 'none' };
  const ofNumber = exec
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.tenantId, a.tenantId), eq(conversations.integrationId, a.integrationId)));
  const ours = and(
    eq(messages.id, a.messageId),
    eq(messages.tenantId, a.tenantId),
    inArray(messages.conversationId, ofNumber),
  );
  const [adopted] = await exec
    .update(messages)
    .set({ whatsappMessageId: a.wamid, whatsappStatus: 'pending', error: null, updatedAt: new Date() })
    .where(
      and(
        ours,
        isNull(messages.whatsappMessageId),
        isNotNull(messages.sentAt),
        inArray(messages.whatsappStatus, ['pending', 'failed']),
      ),
    )
    .returning({ id: messages.id });
  if (adopted) return { outcome: 'adopted' };
  const [row] = await exec.select({ wamid: messages.whatsappMessageId }).from(messages).where(ours);
  if (!row?.wamid) return { outcome: 'none' };
  return row.wamid === a.wamid ? { outcome: 'known' } : { outcome: 'other', wamid: row.wamid };
}
