import type { DomainEvent } from '../../platform/events.js';
import type { DomainEventName } from '../../platform/event-types.js';

/** Who caused an event: a request's user, or the system (tenant only). */
export interface EventSource {
  tenantId: string;
  userId?: string | null;
}

export const domainEvent = <T>(
  type: DomainEventName,
  source: EventSource,
  payload: T,
  /** The conversation as it was, when the event may change who sees it. */
  before?: { assignedUserId: string | null },
): DomainEvent<T> => ({
  type,
  tenantId: source.tenantId,
  payload,
  actorUserId: source.userId ?? undefined,
  ...(before ? { previousAssignedUserId: before.assignedUserId } : {}),
});
