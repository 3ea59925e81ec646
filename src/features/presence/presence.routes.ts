import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { authErrors, idErrors, uuidParam } from '../../http/schemas.js';
import {
  presenceListQuery,
  presenceListSchema,
  presenceSchema,
  updatePresenceBody,
} from './presence.schema.js';
import type { PresenceService } from './presence.service.js';

const tags = ['presence'];
const canReadUsers = requirePermission('users:read');

export function presenceRoutes(presence: PresenceService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/presence/me',
      { schema: { tags, summary: 'My presence', response: { 200: presenceSchema, ...authErrors } } },
      (req) => presence.get(ctxOf(req), ctxOf(req).userId),
    );

    r.put(
      '/presence/me',
      {
        schema: {
          tags,
          summary: 'Choose online, away or busy (shown while connected; cleared when going offline)',
          body: updatePresenceBody,
          response: { 200: presenceSchema, ...authErrors },
        },
      },
      async (req) => {
        const ctx = ctxOf(req);
        await presence.choose(ctx, req.body.status);
        return presence.get(ctx, ctx.userId);
      },
    );

    r.get(
      '/presence/users/:id',
      {
        preValidation: canReadUsers,
        schema: {
          tags,
          summary: "A user's presence",
          params: uuidParam,
          response: { 200: presenceSchema, ...idErrors },
        },
      },
      (req) => presence.get(ctxOf(req), req.params.id),
    );

    r.get(
      '/presence/users',
      {
        preValidation: canReadUsers,
        schema: {
          tags,
          summary: 'Presence of several users (ids: comma-separated, at most 100)',
          querystring: presenceListQuery,
          response: { 200: presenceListSchema, ...authErrors },
        },
      },
      (req) => presence.list(ctxOf(req), req.query.ids),
    );
  };
}
