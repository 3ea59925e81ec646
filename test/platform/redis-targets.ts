import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { closeRedis, createRedis } from '../../src/platform/redis.js';

/** Set in the services CI run (and locally when a Redis is up); Redis cases are skipped without it. */
export const redisUrl = process.env.REDIS_URL;

/** A key prefix no other test file or parallel run shares. */
export function uniquePrefix(name: string): string {
  return `apice-test:${name}:${randomUUID()}:`;
}

/**
 * Opens Redis clients for a test file and closes them all at the end. Each open() is a separate
 * connection, which is what a separate app instance would have.
 */
export function redisClients(): { open(): Redis; closeAll(): Promise<void> } {
  const clients: Redis[] = [];
  return {
    open() {
      if (!redisUrl) throw new Error('REDIS_URL is not set');
      const client = createRedis(redisUrl, { connectionName: 'apicechat-test' });
      clients.push(client);
      return client;
    },
    async closeAll() {
      await Promise.all(clients.splice(0).map((c) => closeRedis(c)));
    },
  };
}

/** Removes whatever a test file left under its prefix (most keys expire on their own anyway). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
