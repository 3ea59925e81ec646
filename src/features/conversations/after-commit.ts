import type { Db, Tx } from '../../db/client.js';
import type { DomainEvent, DomainEvents } from '../../platform/events.js';

/** Domain events collected inside a transaction, published only once it has committed. */
export type Outbox = DomainEvent[];

/**
 * Runs `work` in one transaction; what it put in the outbox is published after the commit, and
 * dropped with the transaction when it fails (listeners never hear of rows that do not exist).
 */
export function transactionWithEvents(db: Db, events: DomainEvents) {
  return async <T>(work: (tx: Tx, outbox: Outbox) => Promise<T>): Promise<T> => {
    const outbox: Outbox = [];
    const result = await db.transaction((tx) => work(tx, outbox));
    events.publish(...outbox);
    return result;
  };
}

export type TransactionWithEvents = ReturnType<typeof transactionWithEvents>;
