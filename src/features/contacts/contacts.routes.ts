import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { authErrors, idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import {
  contactListQuery,
  contactPage,
  contactSchema,
  contactTagsResponse,
  createContactBody,
  externalIdParam,
  phoneParam,
  tagIdParam,
  tagIdsBody,
  updateContactBody,
} from './contacts.schema.js';
import type { ContactsService } from './contacts.service.js';

const tags = ['contacts'];
const canRead = requirePermission('contacts:read');
const canWrite = requirePermission('contacts:write');

export function contactsRoutes(contacts: ContactsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/contacts',
      {
        preValidation: canRead,
        schema: { tags, querystring: contactListQuery, response: { 200: contactPage, ...authErrors } },
      },
      (req) => contacts.list(ctxOf(req), req.query),
    );

    r.post(
      '/contacts',
      {
        preValidation: canWrite,
        schema: {
          tags,
          body: createContactBody,
          response: { 201: contactSchema, 409: problemSchema, ...authErrors },
        },
      },
      async (req, reply) => reply.status(201).send(await contacts.create(ctxOf(req), req.body)),
    );

    r.get(
      '/contacts/external-id/:external_id',
      {
        preValidation: canRead,
        schema: { tags, params: externalIdParam, response: { 200: contactSchema, ...idErrors } },
      },
      (req) => contacts.getByExternalId(ctxOf(req), req.params.external_id),
    );

    r.get(
      '/contacts/phone/:number',
      {
        preValidation: canRead,
        schema: { tags, params: phoneParam, response: { 200: contactSchema, ...idErrors } },
      },
      (req) => contacts.getByPhone(ctxOf(req), req.params.number),
    );

    r.get(
      '/contacts/by-tag/:tag_id',
      {
        preValidation: canRead,
        schema: {
          tags,
          params: tagIdParam,
          querystring: contactListQuery.omit({ tag_id: true }),
          response: { 200: contactPage, ...idErrors },
        },
      },
      (req) => contacts.listByTag(ctxOf(req), req.params.tag_id, req.query),
    );

    r.get(
      '/contacts/:id',
      {
        preValidation: canRead,
        schema: { tags, params: uuidParam, response: { 200: contactSchema, ...idErrors } },
      },
      (req) => contacts.get(ctxOf(req), req.params.id),
    );

    r.patch(
      '/contacts/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          params: uuidParam,
          body: updateContactBody,
          response: { 200: contactSchema, 409: problemSchema, ...idErrors },
        },
      },
      (req) => contacts.update(ctxOf(req), req.params.id, req.body),
    );

    r.delete(
      '/contacts/:id',
      {
        preValidation: canWrite,
        schema: {
          tags,
          description:
            'Deletes a contact without conversations. A contact with conversations is refused with 409 ' +
            'CONFLICT (its history is kept): delete its conversations first.',
          params: uuidParam,
          response: { 204: z.null(), 409: problemSchema, ...idErrors },
        },
      },
      async (req, reply) => {
        await contacts.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );

    r.get(
      '/contacts/:id/tags',
      {
        preValidation: canRead,
        schema: { tags, params: uuidParam, response: { 200: contactTagsResponse, ...idErrors } },
      },
      (req) => contacts.listTags(ctxOf(req), req.params.id),
    );

    r.post(
      '/contacts/:id/tags',
      {
        preValidation: canWrite,
        schema: { tags, params: uuidParam, body: tagIdsBody, response: { 200: contactSchema, ...idErrors } },
      },
      (req) => contacts.addTags(ctxOf(req), req.params.id, req.body),
    );

    r.delete(
      '/contacts/:id/tags',
      {
        preValidation: canWrite,
        schema: { tags, params: uuidParam, body: tagIdsBody, response: { 200: contactSchema, ...idErrors } },
      },
      (req) => contacts.removeTags(ctxOf(req), req.params.id, req.body),
    );
  };
}
