import type { Redis } from 'ioredis';
import type { HitResult, RateLimitStore } from './rate-limit-store.js';
import { windowToMs } from './rate-limit-store.memory.js';

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key, e.g. 'apice:rl:'. */
  keyPrefix: string;
}

/**
 * INCR, then start the window's expiry only if the key has none (a new window), then read the
 * remaining PTTL - atomically, in one round trip. `PTTL < 0` rather than `PEXPIRE ... NX` keeps
 * this working on Redis 6, and also heals a key that somehow lost its expiry.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

const COMMAND = 'apiceRateLimitHit';

interface WithHitCommand {
  [COMMAND](key: string, windowMs: number): Promise<[number, number]>;
}

/**
 * Fixed-window counters on Redis, so N instances count as one. The script is registered with
 * defineCommand: ioredis sends EVALSHA and falls back to EVAL when Redis does not know the script yet.
 * The client is shared and owned by the caller, so close() is a no-op.
 */
export function createRedisRateLimitStore(redis: Redis, options: RedisRateLimitStoreOptions): RateLimitStore {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
  const client = redis as unknown as WithHitCommand;
  const k = (key: string): string => options.keyPrefix + key;

  return {
    async hit(key, windowMs): Promise<HitResult> {
      const ms = windowToMs(windowMs);
      const [count, ttl] = await client[COMMAND](k(key), ms);
      return { count, resetInMs: ttl };
    },
    async peek(key): Promise<HitResult> {
      // One round trip; a connection failure rejects exec(), so the fallback store takes over.
      const replies = await redis.multi().get(k(key)).pttl(k(key)).exec();
      const count = Number(replies?.[0]?.[1] ?? 0);
      const ttl = Number(replies?.[1]?.[1] ?? -2);
      return count > 0 && ttl > 0 ? { count, resetInMs: ttl } : { count: 0, resetInMs: 0 };
    },
    async reset(key) {
      await redis.del(k(key));
    },
    close() {
      return Promise.resolve();
    },
  };
}
