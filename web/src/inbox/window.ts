import type { Conversation } from '../api/types';

export type WindowState = { kind: 'none' } | { kind: 'open'; expiresAt: string } | { kind: 'closed' };

/**
 * WhatsApp's 24-hour customer service window: free-form messages only while it is open (it opens
 * when the customer writes). Conversations outside WhatsApp have none.
 */
export function windowOf(c: Conversation, now = Date.now()): WindowState {
  if (!c.integration_id) return { kind: 'none' };
  if (c.window_expires_at && new Date(c.window_expires_at).getTime() > now)
    return { kind: 'open', expiresAt: c.window_expires_at };
  return { kind: 'closed' };
}
