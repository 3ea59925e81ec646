import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { pageOf, pageQuery, type PageQuery } from '../../http/pagination.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import type { Permission } from '../roles/permissions.js';
import type { CrudService } from './crud.service.js';

export interface CrudRoutesSpec<
  Item extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
  Query extends z.ZodType<PageQuery> = typeof pageQuery,
> {
  /** e.g. '/servers'. */
  path: string;
  /** OpenAPI tag. */
  tag: string;
  item: Item;
  create: Create;
  update: Update;
  /** Defaults to page + limit. */
  query?: Query;
  /** Writing needs this; reading needs only a valid token. */
  write: Permission;
}

/** The five routes of a CRUD module: page list, create, read, update, delete. */
export function crudRoutes<
  Item extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
  Query extends z.ZodType<PageQuery> = typeof pageQuery,
>(
  spec: CrudRoutesSpec<Item, Create, Update, Query>,
  service: CrudService<z.infer<Item>, z.infer<Create>, z.infer<Update>, z.infer<Query>>,
) {
  const tags = [spec.tag];
  const canWrite = requirePermission(spec.write);
  const byId = `${spec.path}/:id`;
  const query = (spec.query ?? pageQuery) as Query;
  // Widened so Fastify's reply typing does not try to resolve a generic schema.
  const item: z.ZodType = spec.item;

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      spec.path,
      { schema: { tags, querystring: query, response: { 200: pageOf(item), ...authErrors } } },
      (req) => service.list(ctxOf(req), req.query as z.infer<Query>),
    );

    r.post(
      spec.path,
      {
        preValidation: canWrite,
        schema: { tags, body: spec.create, response: { 201: item, 409: problemSchema, ...authErrors } },
      },
      async (req, reply) =>
        reply.status(201).send(await service.create(ctxOf(req), req.body as z.infer<Create>)),
    );

    r.get(byId, { schema: { tags, params: uuidParam, response: { 200: item, ...idErrors } } }, (req) =>
      service.get(ctxOf(req), req.params.id),
    );

    r.patch(
      byId,
      {
        preValidation: canWrite,
        schema: {
          tags,
          params: uuidParam,
          body: spec.update,
          response: { 200: item, 409: problemSchema, ...idErrors },
        },
      },
      (req) => service.update(ctxOf(req), req.params.id, req.body as z.infer<Update>),
    );

    r.delete(
      byId,
      {
        preValidation: canWrite,
        schema: { tags, params: uuidParam, response: { 204: z.null(), 409: problemSchema, ...idErrors } },
      },
      async (req, reply) => {
        await service.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
