import type { Redis } from 'ioredis';
import type { KeyValueStore } from './kv.js';
import { assertTtl } from './kv.memory.js';

export interface RedisKeyValueStoreOptions {
  /** Prepended to every key, e.g. 'apice:kv:'. */
  keyPrefix: string;
}

/** TTLs are stored with millisecond precision (PX) so fractional seconds behave as in memory. */
const toMs = (ttlSeconds: number): number => Math.max(1, Math.round(ttlSeconds * 1000));

/**
 * KeyValueStore on Redis: every instance sees the same keys. Redis expires keys itself.
 * The client is shared and owned by the caller (createPlatform closes it), so close() is a no-op.
 */
export function createRedisKeyValueStore(redis: Redis, options: RedisKeyValueStoreOptions): KeyValueStore {
  const k = (key: string): string => options.keyPrefix + key;
  return {
    get(key) {
      return redis.get(k(key));
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await redis.set(k(key), value, 'PX', toMs(ttlSeconds));
    },
    async setIfAbsent(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      const result = await redis.set(k(key), value, 'PX', toMs(ttlSeconds), 'NX');
      return result === 'OK';
    },
    async del(key) {
      await redis.del(k(key));
    },
    close() {
      return Promise.resolve();
    },
  };
}
