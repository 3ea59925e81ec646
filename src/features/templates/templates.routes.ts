import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import {
  createTemplateBody,
  syncResultSchema,
  syncTemplatesBody,
  templateListQuery,
  templatePage,
  templateSchema,
} from './templates.schema.js';
import type { TemplatesService } from './templates.service.js';

const tags = ['templates'];
const canManage = requirePermission('templates:manage');
/** Meta's troubles (token refused, unavailable) the request depended on. */
const upstream = { 502: problemSchema };

export function templatesRoutes(templates: TemplatesService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/templates',
      {
        preValidation: canManage,
        schema: { tags, querystring: templateListQuery, response: { 200: templatePage, ...authErrors } },
      },
      (req) => templates.list(ctxOf(req), req.query),
    );

    r.post(
      '/templates',
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: "Submit a template to Meta for review (Meta's creation body + integration_id)",
          body: createTemplateBody,
          response: { 201: templateSchema, 409: problemSchema, ...upstream, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await templates.create(ctxOf(req), req.body)),
    );

    r.post(
      '/templates/sync',
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: "Pull every template from Meta's message_templates API into the local list",
          body: syncTemplatesBody,
          response: { 200: syncResultSchema, ...upstream, ...authErrors },
        },
      },
      (req) => templates.sync(ctxOf(req), req.body),
    );

    r.delete(
      '/templates/:id',
      {
        preValidation: canManage,
        schema: { tags, params: uuidParam, response: { 204: z.null(), ...upstream, ...idErrors } },
      },
      async (req, reply) => {
        await templates.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
