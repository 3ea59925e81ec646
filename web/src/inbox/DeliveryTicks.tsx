import type { Message } from '../api/types';
import { Icon } from '../ui/Icon';

const LABEL = {
  pending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
} as const;
const GLYPH = { sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' } as const;

export function failureText(m: Message): string {
  if (!m.error) return 'Not delivered';
  return `Not delivered: ${m.error.title}${m.error.message ? ` — ${m.error.message}` : ''} (code ${m.error.code})`;
}

/** WhatsApp's delivery state of an outgoing message; a failure explains itself on hover. */
export function DeliveryTicks({ message }: { message: Message }) {
  const status = message.whatsapp_status;
  if (!status) return null;
  const label = status === 'failed' ? failureText(message) : LABEL[status];
  return (
    <span className={`ticks ${status}`} data-status={status} title={label} aria-label={label} role="img">
      {status === 'pending' ? <Icon name="clock" size={11} /> : GLYPH[status]}
    </span>
  );
}
