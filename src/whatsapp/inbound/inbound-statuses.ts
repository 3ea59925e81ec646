import { domainEvent } from '../../features/conversations/domain-event.js';
import { toMessageDtoOne } from '../../features/messages/message-dto.js';
import { DomainEventType } from '../../platform/event-types.js';
import { applyStatus, normaliseStatus } from '../statuses.js';
import { describeItem, errorCodes, type ItemHandler } from './item-context.js';

/**
 * A delivery status of one of our sends: moves the message forward only (a late `delivered`
 * after `read` changes nothing); a status for a wamid we do not know yet waits for it.
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
  if (result.outcome !== 'applied') return;
  const dto = await toMessageDtoOne(tx, result.message);
  outbox.push(domainEvent(DomainEventType.MessageStatus, { tenantId: ctx.tenantId }, dto));
};
