import type { Redis } from 'ioredis';
import type { KeyValueStore } from './kv.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { PlatformLogger } from './redis.js';

/**
 * Runs a command on Redis, or on this instance's memory while Redis is unreachable: a Redis outage
 * degrades shared state to per-instance state (rate limits count per instance, the token denylist
 * and presence see only this instance's writes) instead of failing every request that touches it.
 *
 * Once a connection was lost (or the first one failed) the memory is used at once until the client
 * is ready again, so requests do not wait out the reconnect attempts; before that, commands wait
 * for the first connection in ioredis's offline queue. A command that fails for lack of a
 * connection falls back too; an answer from Redis itself (ReplyError) is a real error and propagates.
 */
export type Failover = <T>(shared: () => Promise<T>, local: () => Promise<T>) => Promise<T>;

export function createFailover(redis: Redis, what: string, logger?: PlatformLogger): Failover {
  let degraded = false;
  let disconnected = false;
  redis.on('close', () => (disconnected = true));
  redis.on('ready', () => (disconnected = false));
  const degrade = (err?: unknown) => {
    if (degraded) return;
    degraded = true;
    logger?.warn({ err }, `redis unavailable: ${what} served from this instance's memory until it returns`);
  };
  return async (shared, local) => {
    if (!disconnected) {
      try {
        const result = await shared();
        degraded = false;
        return result;
      } catch (err) {
        if ((err as Error | undefined)?.name === 'ReplyError') throw err;
        degrade(err);
      }
    } else {
      degrade();
    }
    return local();
  };
}

export function keyValueStoreWithFallback(
  shared: KeyValueStore,
  local: KeyValueStore,
  failover: Failover,
): KeyValueStore {
  return {
    get: (key) =>
      failover(
        () => shared.get(key),
        () => local.get(key),
      ),
    set: (key, value, ttl) =>
      failover(
        () => shared.set(key, value, ttl),
        () => local.set(key, value, ttl),
      ),
    setIfAbsent: (key, value, ttl) =>
      failover(
        () => shared.setIfAbsent(key, value, ttl),
        () => local.setIfAbsent(key, value, ttl),
      ),
    del: (key) =>
      failover(
        () => shared.del(key),
        () => local.del(key),
      ),
    async close() {
      await Promise.all([shared.close(), local.close()]);
    },
  };
}

export function rateLimitStoreWithFallback(
  shared: RateLimitStore,
  local: RateLimitStore,
  failover: Failover,
): RateLimitStore {
  return {
    hit: (key, windowMs) =>
      failover(
        () => shared.hit(key, windowMs),
        () => local.hit(key, windowMs),
      ),
    peek: (key) =>
      failover(
        () => shared.peek(key),
        () => local.peek(key),
      ),
    reset: (key) =>
      failover(
        () => shared.reset(key),
        () => local.reset(key),
      ),
    async close() {
      await Promise.all([shared.close(), local.close()]);
    },
  };
}
