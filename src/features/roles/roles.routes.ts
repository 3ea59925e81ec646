import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { pageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import { createRoleBody, rolePage, roleSchema, updateRoleBody } from './roles.schema.js';
import type { RolesService } from './roles.service.js';

const tags = ['roles'];
const canManage = requirePermission('roles:manage');

export function rolesRoutes(roles: RolesService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/roles',
      {
        preValidation: canManage,
        schema: { tags, querystring: pageQuery, response: { 200: rolePage, ...authErrors } },
      },
      (req) => roles.list(ctxOf(req), req.query),
    );
    r.post(
      '/roles',
      {
        preValidation: canManage,
        schema: {
          tags,
          body: createRoleBody,
          response: { 201: roleSchema, 409: problemSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await roles.create(ctxOf(req), req.body)),
    );
    r.get(
      '/roles/:id',
      {
        preValidation: canManage,
        schema: { tags, params: uuidParam, response: { 200: roleSchema, ...idErrors } },
      },
      (req) => roles.get(ctxOf(req), req.params.id),
    );
    r.patch(
      '/roles/:id',
      {
        preValidation: canManage,
        schema: {
          tags,
          params: uuidParam,
          body: updateRoleBody,
          response: { 200: roleSchema, 409: problemSchema, ...idErrors },
        },
      },
      (req) => roles.update(ctxOf(req), req.params.id, req.body),
    );
    r.delete(
      '/roles/:id',
      {
        preValidation: canManage,
        schema: { tags, params: uuidParam, response: { 204: z.null(), 409: problemSchema, ...idErrors } },
      },
      async (req, reply) => {
        await roles.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
