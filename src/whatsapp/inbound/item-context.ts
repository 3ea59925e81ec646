import type { Tx } from '../../db/client.js';
import type { Outbox } from '../../features/conversations/after-commit.js';
import type { Queue } from '../../platform/queue.js';
import type { WebhookItem } from '../webhook-parser.js';

/** What every update of one webhook event is applied with. */
export interface ItemContext {
  tenantId: string;
  /** Null when the number was disconnected after the event arrived. */
  integrationId: string | null;
  queue: Queue;
  /** Kept on the event row (last_error) for whoever reads the dead-letter list. */
  notes: string[];
}

/** One update, applied inside its own transaction; domain events go to the outbox. */
export type ItemHandler<K extends WebhookItem['kind']> = (
  tx: Tx,
  outbox: Outbox,
  ctx: ItemContext,
  item: Extract<WebhookItem, { kind: K }>,
) => Promise<void>;

/** A short, log-safe name of an update for notes and errors. */
export function describeItem(item: WebhookItem): string {
  switch (item.kind) {
    case 'message':
      return `message ${item.message.type} ${item.message.wamid}`;
    case 'status':
      return `status ${item.status} of ${item.wamid}`;
    case 'error':
      return 'errors';
    case 'template_status':
      return `template ${item.templateId} ${item.event}`;
    case 'unknown':
      return `field ${item.field}`;
  }
}

export const errorCodes = (errors: readonly { code: number; title: string }[]) =>
  errors.map((e) => `${e.code} ${e.title}`).join('; ');
