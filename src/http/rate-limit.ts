import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitStore } from '../platform/rate-limit-store.js';
import { AppError } from './errors.js';

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
  if (count > limit) {
    throw new AppError(429, 'RATE_LIMITED', `Rate limit exceeded, retry in ${resetSeconds} s`, undefined, {
      'retry-after': String(resetSeconds),
    });
  }
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
