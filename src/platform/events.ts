import { EventEmitter } from 'node:events';

/**
 * Domain events, published by services only after their transaction commits
 * (`message.created`, `conversation.assigned`, ...). Listeners (realtime, whatsapp) decide
 * what to do; a failing listener is logged and never breaks the publisher.
 */
export interface DomainEvent<T = unknown> {
  type: string;
  tenantId: string;
  payload: T;
  /** Who caused it, when a user did. */
  actorUserId?: string | undefined;
  /**
   * On a conversation event that may change who sees it (an assignment, a reopen): its assigned
   * user before the change, so realtime can tell who lost it. Never sent to clients.
   */
  previousAssignedUserId?: string | null | undefined;
}

export type DomainEventHandler = (event: DomainEvent) => void | Promise<void>;

export interface DomainEvents {
  publish(...events: DomainEvent[]): void;
  /** `type` '*' receives every event. Returns an unsubscribe function. */
  subscribe(type: string, handler: DomainEventHandler): () => void;
}

export function createDomainEvents(onError: (err: unknown, event: DomainEvent) => void): DomainEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const run = (handler: DomainEventHandler, event: DomainEvent) => {
    try {
      const result = handler(event);
      if (result instanceof Promise) result.catch((err: unknown) => onError(err, event));
    } catch (err) {
      onError(err, event);
    }
  };
  return {
    publish(...events) {
      for (const event of events) {
        emitter.emit(event.type, event);
        emitter.emit('*', event);
      }
    },
    subscribe(type, handler) {
      const listener = (event: DomainEvent) => run(handler, event);
      emitter.on(type, listener);
      return () => emitter.off(type, listener);
    },
  };
}
