import type { Redis } from 'ioredis';
import type { KeyValueStore } from './kv.js';
import { createMemoryKeyValueStore } from './kv.memory.js';
import { createRedisKeyValueStore } from './kv.redis.js';
import type { PubSub } from './pubsub.js';
import type { PubSubErrorReporter } from './pubsub-registry.js';
import { createMemoryPubSub } from './pubsub.memory.js';
import { createRedisPubSub } from './pubsub.redis.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { createMemoryRateLimitStore } from './rate-limit-store.memory.js';
import { createRedisRateLimitStore } from './rate-limit-store.redis.js';
import { closeRedis, createRedis, type PlatformLogger } from './redis.js';
import { createFailover, keyValueStoreWithFallback, rateLimitStoreWithFallback } from './redis-fallback.js';

export type { KeyValueStore } from './kv.js';
export type { PubSub, MessageHandler } from './pubsub.js';
export type { RateLimitStore, HitResult } from './rate-limit-store.js';
export type { PlatformLogger } from './redis.js';
export { createRedis, closeRedis } from './redis.js';

export const DEFAULT_KEY_PREFIX = 'apice:';

/** Redis when `redis` is given, in-process otherwise. Shared by the three factories below. */
export interface AdapterOptions {
  redis?: Redis | undefined;
  /** Prefix of every Redis key/channel this adapter touches (already including its namespace). */
  keyPrefix?: string;
}

export function createKeyValueStore(options: AdapterOptions = {}): KeyValueStore {
  return options.redis
    ? createRedisKeyValueStore(options.redis, { keyPrefix: options.keyPrefix ?? `${DEFAULT_KEY_PREFIX}kv:` })
    : createMemoryKeyValueStore();
}

export function createPubSub(
  options: AdapterOptions & { logger?: PlatformLogger; onHandlerError?: PubSubErrorReporter } = {},
): PubSub {
  const onHandlerError = options.onHandlerError ?? handlerErrorReporter(options.logger);
  return options.redis
    ? createRedisPubSub(options.redis, {
        keyPrefix: options.keyPrefix ?? `${DEFAULT_KEY_PREFIX}ps:`,
        onHandlerError,
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : createMemoryPubSub({ onHandlerError });
}

export function createRateLimitStore(options: AdapterOptions = {}): RateLimitStore {
  return options.redis
    ? createRedisRateLimitStore(options.redis, { keyPrefix: options.keyPrefix ?? `${DEFAULT_KEY_PREFIX}rl:` })
    : createMemoryRateLimitStore();
}

export interface PlatformOptions {
  /** REDIS_URL; when unset everything runs in-process (single instance). */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key and channel; default 'apice:'. */
  keyPrefix?: string;
  logger?: PlatformLogger;
}

export interface Platform {
  kv: KeyValueStore;
  pubsub: PubSub;
  rateLimitStore: RateLimitStore;
  /**
   * The shared Redis client (REDIS_URL only), for other Redis users such as the Socket.IO adapter.
   * Raw: it applies no key prefix. Do not put it in subscriber mode; use redis.duplicate().
   */
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * The shared services of one app instance. Keys live in per-adapter namespaces under the prefix:
 * `<prefix>kv:<key>`, `<prefix>rl:<key>`, channel `<prefix>ps:<channel>`, so a kv key and a rate
 * limit key with the same name never collide.
 */
export function createPlatform(options: PlatformOptions = {}): Platform {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const redis = options.redisUrl
    ? createRedis(options.redisUrl, {
        connectionName: 'apicechat',
        ...(options.logger ? { logger: options.logger } : {}),
      })
    : undefined;
  const sharedKv = createKeyValueStore({ redis, keyPrefix: `${prefix}kv:` });
  const sharedLimits = createRateLimitStore({ redis, keyPrefix: `${prefix}rl:` });
  // A Redis outage must not fail the requests that touch these: they fall back to memory meanwhile.
  const kv = redis
    ? keyValueStoreWithFallback(
        sharedKv,
        createMemoryKeyValueStore(),
        createFailover(redis, 'key/value entries (token denylist, presence)', options.logger),
      )
    : sharedKv;
  const rateLimitStore = redis
    ? rateLimitStoreWithFallback(
        sharedLimits,
        createMemoryRateLimitStore(),
        createFailover(redis, 'rate limit counters', options.logger),
      )
    : sharedLimits;
  const pubsub = createPubSub({
    redis,
    keyPrefix: `${prefix}ps:`,
    ...(options.logger ? { logger: options.logger } : {}),
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await Promise.allSettled([kv.close(), pubsub.close(), rateLimitStore.close()]);
      if (redis) await closeRedis(redis);
    })();
    return closing;
  };

  return { kv, pubsub, rateLimitStore, ...(redis ? { redis } : {}), close };
}

function handlerErrorReporter(logger: PlatformLogger | undefined): PubSubErrorReporter | undefined {
  if (!logger) return undefined;
  return (err, channel) => logger.error({ err, channel }, 'pubsub handler failed');
}
