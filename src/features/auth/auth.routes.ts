import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf } from '../../http/auth.js';
import { unauthenticated } from '../../http/errors.js';
import { limitBy } from '../../http/rate-limit.js';
import { authErrors, problemSchema } from '../../http/schemas.js';
import type { RateLimitStore } from '../../platform/rate-limit-store.js';
import { userSchema } from '../users/users.schema.js';
import {
  loginBody,
  loginResponse,
  logoutBody,
  refreshBody,
  registerBody,
  registerResponse,
  tokenPairSchema,
} from './auth.schema.js';
import type { AuthService } from './auth.service.js';

const tags = ['auth'];
const publicErrors = { 400: problemSchema, 401: problemSchema, 429: problemSchema };

/** Where a request comes from, for the session list. */
export const clientOf = (req: FastifyRequest) => ({ userAgent: req.headers['user-agent'], ip: req.ip });

export function authRoutes(auth: AuthService, store: RateLimitStore, loginLimit: number) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const loginKey = (req: { ip: string; body: unknown }) => {
      const b = (req.body ?? {}) as { username?: unknown; email?: unknown };
      const who = typeof b.username === 'string' ? b.username : typeof b.email === 'string' ? b.email : '';
      return `${req.ip}:${who.trim().toLowerCase()}`;
    };

    r.post(
      '/auth/login',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Log in by username or email',
          body: loginBody,
          response: { 200: loginResponse, ...publicErrors },
        },
        // preValidation: every attempt counts, even malformed ones.
        preValidation: limitBy(store, 'login', loginLimit, 60, loginKey),
      },
      (req) => auth.login(req.body, clientOf(req)),
    );

    r.post(
      '/auth/refresh',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Rotate a refresh token',
          body: refreshBody,
          response: { 200: tokenPairSchema, ...publicErrors },
        },
      },
      (req) => auth.refresh(req.body.refresh_token, clientOf(req)),
    );

    r.post(
      '/auth/logout',
      {
        config: { beforeMfa: true },
        schema: {
          tags,
          summary: 'End this session at once',
          body: logoutBody,
          response: { 204: z.null(), ...authErrors },
        },
      },
      async (req, reply) => {
        if (!req.auth) throw unauthenticated();
        await auth.logout(req.auth, req.body?.refresh_token);
        return reply.status(204).send(null);
      },
    );

    r.get(
      '/auth/me',
      {
        config: { beforeMfa: true },
        schema: { tags, summary: 'The current user', response: { 200: userSchema, ...authErrors } },
      },
      (req) => {
        const ctx = ctxOf(req);
        return auth.me(ctx.userId, ctx.tenantId);
      },
    );

    r.post(
      '/auth/register',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Create a tenant and its first admin (when sign-up is enabled)',
          body: registerBody,
          response: { 201: registerResponse, 403: problemSchema, 409: problemSchema, ...publicErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await auth.register(req.body, clientOf(req))),
    );
  };
}
