import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeRedis, watchRedisErrors } from '../platform/redis.js';

/**
 * The Socket.IO adapter that makes N instances one: Redis Streams rather than the pub/sub
 * `@socket.io/redis-adapter`, because only the streams adapter supports connection-state recovery
 * (a client reconnecting to ANY instance within 2 minutes gets the packets it missed) and it
 * resumes the stream after a Redis blip without losing packets.
 */
export function createClusterAdapter(redis: Redis, keyPrefix: string, logger: Logger) {
  const client = redis.duplicate();
  watchRedisErrors(client, logger);
  // The adapter duplicates its stream reader and subscriber from this client and drops the reader
  // only after its blocking XREAD returns; keeping hold of them lets close() end them at once.
  const derived: Redis[] = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    const connection = duplicate(override);
    derived.push(connection);
    // The adapter fires SUBSCRIBE without awaiting it; closing before Redis answered would leave an
    // unhandled "Connection is closed" rejection. Observing the promise is enough.
    const subscribe = connection.subscribe.bind(connection);
    connection.subscribe = ((...args: Parameters<typeof subscribe>) => {
      const pending = subscribe(...args);
      pending.catch(() => undefined);
      return pending;
    }) as typeof connection.subscribe;
    return connection;
  };
  const adapter = createAdapter(client, {
    streamName: `${keyPrefix}sio`,
    channelPrefix: `${keyPrefix}sio`,
    sessionKeyPrefix: `${keyPrefix}sio:session:`,
    onlyPlaintext: true,
  });
  return {
    adapter,
    async close(): Promise<void> {
      for (const connection of derived) connection.disconnect();
      await closeRedis(client);
    },
  };
}
