import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ctxOf } from '../../http/auth.js';
import { notFound, unauthenticated } from '../../http/errors.js';
import { idErrors, isoDate, uuidParam } from '../../http/schemas.js';
import type { DomainEvents } from '../../platform/events.js';
import { listSessions, revokeSessions, sessionsRevoked } from './sessions.js';

const sessionSchema = z.object({
  id: z.uuid(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string(),
  /** The session of the token that asked. */
  current: z.boolean(),
});

/** The caller's own sessions (API.md "Sessions"): no permission beyond being logged in. */
export function sessionsRoutes(db: Db, events: Pick<DomainEvents, 'publish'>) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/auth/sessions',
      {
        config: { beforeMfa: true },
        schema: {
          tags: ['auth'],
          summary: 'Your signed-in sessions, most recently used first',
          response: { 200: z.object({ data: z.array(sessionSchema) }), ...idErrors },
        },
      },
      async (req) => {
        const ctx = ctxOf(req);
        const rows = await listSessions(db, ctx.tenantId, ctx.userId);
        return {
          data: rows.map((s) => ({
            id: s.id,
            user_agent: s.userAgent,
            ip: s.ip,
            created_at: isoDate(s.createdAt)!,
            last_used_at: isoDate(s.lastUsedAt)!,
            current: s.id === req.auth?.sessionId,
          })),
        };
      },
    );

    r.delete(
      '/auth/sessions/:id',
      {
        config: { beforeMfa: true },
        schema: {
          tags: ['auth'],
          summary: 'End one of your sessions: its tokens stop working and its sockets are dropped',
          params: uuidParam,
          response: { 204: z.null(), ...idErrors },
        },
      },
      async (req, reply) => {
        if (!req.auth) throw unauthenticated();
        const ctx = ctxOf(req);
        const live = await listSessions(db, ctx.tenantId, ctx.userId);
        if (!live.some((s) => s.id === req.params.id)) throw notFound('Session');
        const scope = { tenantId: ctx.tenantId, userId: ctx.userId, sessionIds: [req.params.id] };
        await db.transaction((tx) => revokeSessions(tx, scope));
        events.publish(sessionsRevoked(scope, ctx.userId));
        return reply.status(204).send(null);
      },
    );
  };
}
