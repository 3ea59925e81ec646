import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { messageSchema } from '../../features/messages/messages.schema.js';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { idErrors, problemSchema } from '../../http/schemas.js';
import { sendMediaWrapperBody, sendMessageWrapperBody } from './send-wrappers.schema.js';
import type { SendWrappers } from './send-wrappers.service.js';

const tags = ['whatsapp'];
const canWrite = requirePermission('messages:write');
const sent = { 201: messageSchema, 422: problemSchema, ...idErrors };
const base = '/meta-whatsapp/webhook';

export function sendWrapperRoutes(wrappers: SendWrappers) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      `${base}/send-message`,
      {
        preValidation: canWrite,
        schema: {
          tags,
          summary: 'Send a text on WhatsApp (same as POST /messages)',
          body: sendMessageWrapperBody,
          response: sent,
        },
      },
      async (req, reply) => reply.status(201).send(await wrappers.sendText(ctxOf(req), req.body)),
    );
    r.post(
      `${base}/send-media`,
      {
        preValidation: canWrite,
        schema: {
          tags,
          summary: 'Send an uploaded file on WhatsApp, with an optional caption (same as POST /messages)',
          body: sendMediaWrapperBody,
          response: sent,
        },
      },
      async (req, reply) => reply.status(201).send(await wrappers.sendMedia(ctxOf(req), req.body)),
    );
  };
}
