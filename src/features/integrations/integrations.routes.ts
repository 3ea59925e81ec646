import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { pageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import {
  createIntegrationBody,
  integrationPage,
  integrationSchema,
  updateIntegrationBody,
} from './integrations.schema.js';
import type { IntegrationsService } from './integrations.service.js';

const tags = ['whatsapp'];
const canManage = requirePermission('integrations:manage');
const base = '/whatsapp-integration-config';

export function integrationsRoutes(integrations: IntegrationsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      base,
      {
        preValidation: canManage,
        schema: { tags, querystring: pageQuery, response: { 200: integrationPage, ...authErrors } },
      },
      (req) => integrations.list(ctxOf(req), req.query),
    );
    r.post(
      base,
      {
        preValidation: canManage,
        schema: {
          tags,
          summary: 'Connect a WhatsApp Business phone number (secrets are write-only)',
          body: createIntegrationBody,
          response: { 201: integrationSchema, 409: problemSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await integrations.create(ctxOf(req), req.body)),
    );
    r.get(
      `${base}/:id`,
      {
        preValidation: canManage,
        schema: { tags, params: uuidParam, response: { 200: integrationSchema, ...idErrors } },
      },
      (req) => integrations.get(ctxOf(req), req.params.id),
    );
    r.patch(
      `${base}/:id`,
      {
        preValidation: canManage,
        schema: {
          tags,
          params: uuidParam,
          body: updateIntegrationBody,
          response: { 200: integrationSchema, 409: problemSchema, ...idErrors },
        },
      },
      (req) => integrations.update(ctxOf(req), req.params.id, req.body),
    );
    r.delete(
      `${base}/:id`,
      {
        preValidation: canManage,
        schema: { tags, params: uuidParam, response: { 204: z.null(), ...idErrors } },
      },
      async (req, reply) => {
        await integrations.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
