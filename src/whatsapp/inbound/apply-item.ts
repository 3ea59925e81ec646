import type { Tx } from '../../db/client.js';
import type { Outbox } from '../../features/conversations/after-commit.js';
import type { WebhookItem } from '../webhook-parser.js';
import { applyMessage } from './inbound-messages.js';
import { applyStatusUpdate } from './inbound-statuses.js';
import { applyTemplateStatus } from './inbound-templates.js';
import { describeItem, errorCodes, type ItemContext } from './item-context.js';

/**
 * Applies one update of a webhook event. Out-of-band errors and fields we do not handle are
 * not failures: they are kept on the event (its notes) and the event counts as processed.
 */
export async function applyItem(tx: Tx, outbox: Outbox, ctx: ItemContext, item: WebhookItem): Promise<void> {
  switch (item.kind) {
    case 'message':
      return applyMessage(tx, outbox, ctx, item);
    case 'status':
      return applyStatusUpdate(tx, outbox, ctx, item);
    case 'template_status':
      return applyTemplateStatus(tx, outbox, ctx, item);
    case 'error':
      ctx.notes.push(`Meta reported errors: ${errorCodes(item.errors)}`);
      return;
    case 'unknown':
      ctx.notes.push(`${describeItem(item)}: not handled, kept on the event`);
      return;
  }
}
