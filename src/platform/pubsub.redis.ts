import type { Redis } from 'ioredis';
import type { PubSub } from './pubsub.js';
import { SubscriptionRegistry, encodeMessage, type PubSubErrorReporter } from './pubsub-registry.js';
import { defaultReporter } from './pubsub.memory.js';
import { closeRedis, watchRedisErrors, type PlatformLogger } from './redis.js';

export interface RedisPubSubOptions {
  /** Prepended to every channel, e.g. 'apice:ps:'. */
  keyPrefix: string;
  onHandlerError?: PubSubErrorReporter;
  logger?: PlatformLogger;
}

/**
 * PubSub over Redis PUBLISH/SUBSCRIBE, so every instance receives every message.
 *
 * A connection in subscriber mode can run nothing but (UN)SUBSCRIBE, so publishing goes through
 * the shared client and receiving through a dedicated duplicate() connection that this PubSub
 * owns and closes. One Redis SUBSCRIBE per channel however many local handlers it has; ioredis
 * re-subscribes on its own after a reconnect (autoResubscribe).
 */
export function createRedisPubSub(redis: Redis, options: RedisPubSubOptions): PubSub {
  const prefix = options.keyPrefix;
  const registry = new SubscriptionRegistry(options.onHandlerError ?? defaultReporter);
  const subscriber = redis.duplicate();
  watchRedisErrors(subscriber, options.logger);
  // Pending SUBSCRIBE per channel, so a second subscribe() waits for the first one's round trip.
  const pending = new Map<string, Promise<unknown>>();
  let closed = false;

  subscriber.on('message', (prefixed: string, payload: string) => {
    if (!prefixed.startsWith(prefix)) return;
    registry.dispatch(prefixed.slice(prefix.length), payload);
  });

  return {
    async publish(channel, message) {
      await redis.publish(prefix + channel, encodeMessage(message));
    },
    async subscribe(channel, handler) {
      if (closed) throw new Error('PubSub is closed');
      const { subscription, first } = registry.add(channel, handler);
      if (first) pending.set(channel, subscriber.subscribe(prefix + channel));
      const ready = pending.get(channel);
      try {
        await ready;
      } catch (err) {
        if (registry.remove(channel, subscription)) pending.delete(channel);
        throw err;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        if (registry.remove(channel, subscription)) {
          pending.delete(channel);
          if (!closed) await subscriber.unsubscribe(prefix + channel);
        }
      };
    },
    async close() {
      closed = true;
      registry.clear();
      pending.clear();
      await closeRedis(subscriber);
    },
  };
}
