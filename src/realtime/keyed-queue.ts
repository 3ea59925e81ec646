/**
 * Runs tasks one after another per key (a conversation, a user) and concurrently across keys, so
 * the emits about one conversation leave in the order their events were published even though
 * each first awaits a database read. A failing task is reported and the queue goes on.
 */
export interface KeyedQueue {
  push(key: string, task: () => Promise<void>): void;
  /** Resolves once every queued task has finished. */
  drain(): Promise<void>;
}

export function createKeyedQueue(onError: (err: unknown) => void): KeyedQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    push(key, task) {
      const tail = (tails.get(key) ?? Promise.resolve()).then(task).catch(onError);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
    },
    async drain() {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
