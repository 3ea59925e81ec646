import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { z } from 'zod';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import { webhookEventListQuery, webhookEventPage, webhookEventSchema } from './webhooks.schema.js';
import type { WebhookEventsService } from './webhooks.service.js';

const tags = ['webhooks'];
const canManage = requirePermission('webhooks:manage');

export function webhookEventsRoutes(events: WebhookEventsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/webhook-events',
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: 'Raw WhatsApp webhook events of the tenant (status=failed: the dead-letter list)',
          querystring: webhookEventListQuery,
          response: { 200: webhookEventPage, ...authErrors },
        },
      },
      (req) => events.list(ctxOf(req), req.query),
    );

    r.post(
      '/webhook-events/:id/replay',
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: 'Process a stored webhook event again (fresh attempts)',
          params: uuidParam,
          response: { 200: webhookEventSchema, ...idErrors },
        },
      },
      (req) => events.replay(ctxOf(req), req.params.id),
    );

    r.delete(
      '/webhook-events/:id',
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: 'Discard a stored webhook event (409 while it is still being processed)',
          params: uuidParam,
          response: { 204: z.null(), 409: problemSchema, ...idErrors },
        },
      },
      async (req, reply) => {
        await events.discard(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
