import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import {
  messages,
  type Message,
  type MessageError,
  type WhatsappStatus,
} from '../features/messages/messages.table.js';
import { pendingStatuses } from '../features/webhooks/webhooks.table.js';
import type { MetaError } from './webhook-parser.js';

/** Meta status names mapped to ours; `played` (voice notes) counts as read, others are ignored. */
export function normaliseStatus(status: string): WhatsappStatus | undefined {
  if (status === 'played') return 'read';
  return (['sent', 'delivered', 'read', 'failed'] as const).find((s) => s === status);
}

/** The statuses a message may move from to reach `next`: never backwards; failed only before delivery. */
export function statusesBefore(next: WhatsappStatus): WhatsappStatus[] {
  switch (next) {
    case 'sent':
      return ['pending'];
    case 'delivered':
      return ['pending', 'sent', 'failed'];
    case 'read':
      return ['pending', 'sent', 'delivered', 'failed'];
    case 'failed':
      return ['pending', 'sent'];
    case 'pending':
      return [];
  }
}

export const toMessageError = (errors: readonly MetaError[]): MessageError | null => {
  const e = errors[0];
  return e ? { code: e.code, title: e.title, ...(e.message ? { message: e.message } : {}) } : null;
};

export interface StatusUpdate {
  tenantId: string;
  wamid: string;
  status: WhatsappStatus;
  at: Date;
  errors: readonly MetaError[];
}

export type StatusResult =
  | { outcome: 'applied'; message: Message }
  | { outcome: 'stale' }
  /** The wamid is not known yet: kept and applied when the message appears. */
  | { outcome: 'deferred' };

/**
 * Moves a message's WhatsApp status forward, never back (a late `delivered` after `read` changes
 * nothing), filling the matching timestamps. Idempotent under redelivery.
 */
export async function applyStatus(exec: Executor, u: StatusUpdate): Promise<StatusResult> {
  const target = and(eq(messages.tenantId, u.tenantId), eq(messages.whatsappMessageId, u.wamid));
  const reached = (s: WhatsappStatus[]) => u.status !== 'failed' && s.includes(u.status);
  const [updated] = await exec
    .update(messages)
    .set({
      whatsappStatus: u.status,
      sentAt: sql`coalesce(${messages.sentAt}, ${u.at})`,
      ...(reached(['delivered', 'read'])
        ? { deliveredAt: sql`coalesce(${messages.deliveredAt}, ${u.at})` }
        : {}),
      ...(u.status === 'read' ? { readAt: sql`coalesce(${messages.readAt}, ${u.at})` } : {}),
      ...(u.status === 'failed' ? { error: toMessageError(u.errors) } : {}),
      updatedAt: new Date(),
    })
    .where(
      and(
        target,
        or(isNull(messages.whatsappStatus), inArray(messages.whatsappStatus, statusesBefore(u.status))),
      ),
    )
    .returning();
  if (updated) return { outcome: 'applied', message: updated };
  const [exists] = await exec.select({ id: messages.id }).from(messages).where(target);
  if (exists) return { outcome: 'stale' };
  await exec
    .insert(pendingStatuses)
    .values({
      tenantId: u.tenantId,
      wamid: u.wamid,
      status: u.status,
      occurredAt: u.at,
      errors: [...u.errors],
    })
    .onConflictDoNothing();
  return { outcome: 'deferred' };
}

const ORDER: WhatsappStatus[] = ['pending', 'sent', 'failed', 'delivered', 'read'];

/**
 * Applies, in order, the statuses that arrived before this wamid was stored; call it in the
 * transaction that stores the wamid (inbound insert or the send job). Returns the final row when
 * anything changed.
 */
export async function applyPendingStatuses(
  exec: Executor,
  tenantId: string,
  wamid: string,
): Promise<Message | undefined> {
  const pending = await exec
    .delete(pendingStatuses)
    .where(and(eq(pendingStatuses.tenantId, tenantId), eq(pendingStatuses.wamid, wamid)))
    .returning();
  pending.sort(
    (a, b) => ORDER.indexOf(a.status as WhatsappStatus) - ORDER.indexOf(b.status as WhatsappStatus),
  );
  let last: Message | undefined;
  for (const p of pending) {
    const result = await applyStatus(exec, {
      tenantId,
      wamid,
      status: p.status as WhatsappStatus,
      at: p.occurredAt,
      errors: p.errors as MetaError[],
    });
    if (result.outcome === 'applied') last = result.message;
  }
  return last;
}
