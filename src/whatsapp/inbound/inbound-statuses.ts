import type { Tx } from '../../db/client.js';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { toMessageDtoOne } from '../../features/messages/message-dto.js';
import type { Message } from '../../features/messages/messages.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import { applyPendingStatuses, applyStatus, normaliseStatus } from '../statuses.js';
import type { WebhookItem } from '../webhook-parser.js';
import { adoptWamid } from '../wamid-adoption.js';
import { describeItem, errorCodes, type ItemContext, type ItemHandler } from './item-context.js';

type StatusItem = Extract<WebhookItem, { kind: 'status' }>;

/**
 * The message a deferred status names through `biz_opaque_callback_data`, once it holds the wamid:
 * the statuses kept for that wamid (this one included) are then applied in order.
 */
async function namedMessage(tx: Tx, ctx: ItemContext, item: StatusItem): Promise<Message | undefined> {
  if (!item.callbackData || !ctx.integrationId) return undefined;
  const adoption = await adoptWamid(tx, {
    tenantId: ctx.tenantId,
    integrationId: ctx.integrationId,
    messageId: item.callbackData,
    wamid: item.wamid,
  });
  if (adoption.outcome === 'other') {
    ctx.notes.push(
      `${describeItem(item)}: names message ${item.callbackData}, sent as ${adoption.wamid} too (WhatsApp got it twice)`,
    );
  }
  if (adoption.outcome !== 'adopted' && adoption.outcome !== 'known') return undefined;
  return applyPendingStatuses(tx, ctx.tenantId, item.wamid);
}

/**
 * A delivery status of one of our sends: moves the message forward only (a late `delivered`
 * after `read` changes nothing); a status for a wamid we do not know yet waits for it, unless it
 * names the message whose send never heard back (see wamid-adoption.ts).
 */
export const applyStatusUpdate: ItemHandler<'status'> = async (tx, outbox, ctx, item) => {
  const status = normaliseStatus(item.status);
  if (!status) {
    ctx.notes.push(`${describeItem(item)}: unknown status, ignored`);
    return;
  }
  if (item.errors.length) ctx.notes.push(`${describeItem(item)}: ${errorCodes(item.errors)}`);
  const result = await applyStatus(tx, {
    tenantId: ctx.tenantId,
    wamid: item.wamid,
    status,
    at: item.timestamp,
    errors: item.errors,
  });
  const message =
    result.outcome === 'applied'
      ? result.message
      : result.outcome === 'deferred'
        ? await namedMessage(tx, ctx, item)
        : undefined;
  if (!message) return;
  const dto = await toMessageDtoOne(tx, message);
  outbox.push(domainEvent(DomainEventType.MessageStatus, { tenantId: ctx.tenantId }, dto));
};
