import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeRedis, watchRedisErrors } from '../platform/redis.js';

/** Bound of one adapter command (XADD, PUBLISH, SET) on the publishing connection. */
const PUBLISH_TIMEOUT_MS = 500;

/**
 * The Socket.IO adapter that makes N instances one: Redis Streams rather than the pub/sub
 * `@socket.io/redis-adapter`, because only the streams adapter supports connection-state recovery
 * (a client reconnecting to ANY instance within 2 minutes gets the packets it missed) and it
 * resumes the stream after a Redis blip without losing packets.
 */
export function createClusterAdapter(redis: Redis, keyPrefix: string, logger: Logger) {
  // Every emit waits for its XADD before reaching this instance's own sockets. While Redis is down
  // ioredis would hold the command through several reconnect attempts (seconds); the timeout keeps
  // local delivery prompt and still lets the offline queue carry a command over a short blip.
  const client = redis.duplicate({ commandTimeout: PUBLISH_TIMEOUT_MS });
  watchRedisErrors(client, logger);
  // persistSession (SET, on every recoverable disconnect) and ephemeral PUBLISHes are fired without
  // handling failure: with Redis down each would be an unhandled rejection, which ends the process.
  observeRejections(client, 'set', 'publish');
  // The adapter duplicates its stream reader and subscriber from this client and drops the reader
  // only after its blocking XREAD returns; keeping hold of them lets close() end them at once.
  const derived: Redis[] = [];
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => {
    // The stream reader blocks in XREAD for seconds: no command timeout on these connections.
    const connection = duplicate({ commandTimeout: undefined, ...override });
    derived.push(connection);
    // The adapter fires SUBSCRIBE without awaiting it; closing before Redis answered would leave an
    // unhandled "Connection is closed" rejection.
    observeRejections(connection, 'subscribe');
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

/** Marks the promises of these commands as observed; callers that await them still see the error. */
function observeRejections(connection: Redis, ...methods: ('set' | 'publish' | 'subscribe')[]): void {
  const commands = connection as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of methods) {
    const original = commands[method]!.bind(connection);
    commands[method] = (...args: unknown[]) => {
      const pending = original(...args);
      pending.catch(() => undefined);
      return pending;
    };
  }
}
