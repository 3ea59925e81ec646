import { Redis, type RedisOptions } from 'ioredis';

/** The subset of a pino logger the platform adapters use. */
export interface PlatformLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CreateRedisOptions {
  logger?: PlatformLogger;
  /** Connection name shown in CLIENT LIST, handy when several instances share one Redis. */
  connectionName?: string;
  /** Extra ioredis options; they win over the defaults below. */
  redisOptions?: RedisOptions;
}

/** Reconnect backoff: 100 ms, 200 ms, ... capped at 2 s, forever, so the app recovers when Redis returns. */
export function redisRetryDelay(times: number): number {
  return Math.min(times * 100, 2_000);
}

/** A repeated connection error is logged once, then at most every 30 s until the connection is back. */
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * An ioredis client for the shared services (kv, pub/sub, rate limits).
 *
 * - Connects right away (lazyConnect false) so a wrong REDIS_URL shows up in the boot log.
 * - maxRetriesPerRequest 2: while Redis is down a command fails after ~2 reconnect attempts
 *   (well under 5 s) instead of hanging the request forever; the offline queue still absorbs
 *   the short gap of a reconnect.
 * - retryStrategy never gives up, so the client recovers on its own when Redis comes back.
 * - An 'error' listener is always attached: an EventEmitter 'error' without a listener would
 *   otherwise be reported as unhandled; a down Redis degrades features, it never kills the process.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    retryStrategy: redisRetryDelay,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    ...options.redisOptions,
  });
  watchRedisErrors(redis, options.logger);
  return redis;
}

/** Attaches the throttled error listener; also used for connections made with `redis.duplicate()`. */
export function watchRedisErrors(redis: Redis, logger?: PlatformLogger): void {
  let lastLoggedAt = 0;
  let suppressed = 0;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastLoggedAt < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    lastLoggedAt = now;
    const log = logger ?? consoleLogger;
    log.error({ err, suppressed }, 'redis connection error');
    suppressed = 0;
  });
  redis.on('ready', () => {
    if (lastLoggedAt !== 0) {
      (logger ?? consoleLogger).warn({}, 'redis connection restored');
      lastLoggedAt = 0;
      suppressed = 0;
    }
  });
}

/**
 * Closes a client without waiting forever: QUIT needs a live connection, so when Redis is down
 * (or QUIT takes longer than timeoutMs) the socket is simply dropped.
 */
export async function closeRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const result = await Promise.race([redis.quit().catch(() => 'error' as const), timedOut]);
    if (result !== 'OK') redis.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

const consoleLogger: PlatformLogger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
