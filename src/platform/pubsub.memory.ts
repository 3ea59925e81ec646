import { settle } from './kv.memory.js';
import type { PubSub } from './pubsub.js';
import { SubscriptionRegistry, encodeMessage, type PubSubErrorReporter } from './pubsub-registry.js';

export interface MemoryPubSubOptions {
  /** Called when a handler throws; the default writes to stderr. */
  onHandlerError?: PubSubErrorReporter;
}

/**
 * In-process PubSub for a single instance. Messages go through JSON exactly like on Redis (so a
 * payload that works here works there, and receivers never share the sender's object) and are
 * delivered asynchronously, after publish() resolves, as they would be over the network.
 */
export function createMemoryPubSub(options: MemoryPubSubOptions = {}): PubSub {
  const registry = new SubscriptionRegistry(options.onHandlerError ?? defaultReporter);
  let closed = false;

  return {
    publish(channel, message) {
      return settle(() => {
        const payload = encodeMessage(message);
        if (!closed && registry.has(channel)) setImmediate(() => registry.dispatch(channel, payload));
      });
    },
    subscribe(channel, handler) {
      return settle(() => {
        if (closed) throw new Error('PubSub is closed');
        const { subscription } = registry.add(channel, handler);
        return () => {
          registry.remove(channel, subscription);
          return Promise.resolve();
        };
      });
    },
    close() {
      closed = true;
      registry.clear();
      return Promise.resolve();
    },
  };
}

export const defaultReporter: PubSubErrorReporter = (err, channel) => {
  console.error(`pubsub handler failed on channel ${channel}`, err);
};
