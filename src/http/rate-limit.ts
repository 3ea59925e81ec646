import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../platform/rate-limit-store.js';
import { AppError } from './errors.js';

const rateLimited = (resetInMs: number) => {
  const resetSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
  return new AppError(429, 'RATE_LIMITED', `Rate limit exceeded, retry in ${resetSeconds} s`, undefined, {
    'retry-after': String(resetSeconds),
  });
};

async function enforce(
  store: RateLimitStore,
  key: string,
  limit: number,
  windowMs: number,
  reply: FastifyReply,
) {
  const { count, resetInMs } = await store.hit(key, windowMs);
  const resetSeconds = Math.max(1, Math.ceil(resetInMs / 1000));
  void reply.headers({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - count)),
    'x-ratelimit-reset': String(resetSeconds),
  });
  if (count > limit) throw rateLimited(resetInMs);
}

/**
 * The global limit: per user when authenticated, per IP otherwise. Registered after the auth
 * hook so it can see the user. Routes opt out with `config: { rateLimit: false }`.
 */
export function registerRateLimit(
  app: FastifyInstance,
  store: RateLimitStore,
  options: { limit: number; windowSeconds: number },
) {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.routeOptions.url?.startsWith('/api/') || request.routeOptions.config.rateLimit === false)
      return;
    const key = request.ctx ? `rl:user:${request.ctx.userId}` : `rl:ip:${request.ip}`;
    await enforce(store, key, options.limit, options.windowSeconds * 1000, reply);
  });
}

/** A stricter, route-level limit (login: every attempt per IP + username). */
export const limitBy =
  (
    store: RateLimitStore,
    name: string,
    limit: number,
    windowSeconds: number,
    keyOf: (r: FastifyRequest) => string,
  ) =>
  (request: FastifyRequest, reply: FastifyReply) =>
    enforce(store, `rl:${name}:${keyOf(request)}`, limit, windowSeconds * 1000, reply);

/**
 * A limit on failed attempts only (wrong webhook verify tokens), shared like every limit of the
 * store. Once more than `limit` failed in the window, every attempt of that key is refused until
 * the window ends, right or wrong: while blocked, guessing learns nothing.
 */
export function failureLimit(store: RateLimitStore, name: string, limit: number, windowSeconds: number) {
  const keyOf = (key: string) => `rl:${name}:${key}`;
  return {
    /** Throws 429 while the key is blocked. */
    async check(key: string): Promise<void> {
      const { count, resetInMs } = await store.peek(keyOf(key));
      if (count > limit) throw rateLimited(resetInMs);
    },
    /** Counts a failure; returns the 429 to throw when it was one too many. */
    async fail(key: string): Promise<AppError | undefined> {
      const { count, resetInMs } = await store.hit(keyOf(key), windowSeconds * 1000);
      return count > limit ? rateLimited(resetInMs) : undefined;
    },
  };
}
