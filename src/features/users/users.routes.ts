import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { pageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import {
  createUserBody,
  includeRoleQuery,
  updateUserBody,
  userPage,
  userSchema,
  usersListQuery,
} from './users.schema.js';
import type { UsersService } from './users.service.js';

const tags = ['users'];
const canRead = requirePermission('users:read');
const canWrite = requirePermission('users:write');

export function usersRoutes(users: UsersService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/users',
      {
        preValidation: canRead,
        schema: {
          tags,
          querystring: pageQuery.extend(includeRoleQuery.shape).extend(usersListQuery.shape),
          response: { 200: userPage, ...authErrors },
        },
      },
      (req) => users.list(ctxOf(req), { ...req.query, includeRole: req.query.include_role }),
    );

    r.post(
      '/users',
      {
        preValidation: canWrite,
        schema: {
          tags,
          body: createUserBody,
          response: { 201: userSchema, 409: problemSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await users.create(ctxOf(req), req.body)),
    );

    r.get(
      '/users/:id',
      {
        preValidation: canRead,
        schema: {
          tags,
          params: uuidParam,
          querystring: includeRoleQuery,
          response: { 200: userSchema, ...idErrors },
        },
      },
      (req) => users.get(ctxOf(req), req.params.id, req.query.include_role),
    );

    r.patch(
      '/users/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          params: uuidParam,
          body: updateUserBody,
          response: { 200: userSchema, 409: problemSchema, ...idErrors },
        },
      },
      (req) => users.update(ctxOf(req), req.params.id, req.body),
    );

    r.delete(
      '/users/:id',
      {
        preValidation: canWrite,
        schema: { tags, params: uuidParam, response: { 204: z.null(), ...idErrors } },
      },
      async (req, reply) => {
        await users.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
