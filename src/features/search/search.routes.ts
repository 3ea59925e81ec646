import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf } from '../../http/auth.js';
import { authErrors, idErrors, uuidParam } from '../../http/schemas.js';
import { messageHitPage, searchHitPage, searchQuery } from './search.schema.js';
import type { SearchService } from './search.service.js';

const tags = ['search'];
const RULES =
  'Full-text search (ranked, web search syntax, highlights). Only conversations the caller may see count, ' +
  'private notes included for those who see them; deleted messages are never found.';

export function searchRoutes(search: SearchService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/search',
      {
        schema: {
          tags,
          description: `Contacts (name, phone, email contain q; needs contacts:read) first, then messages. ${RULES}`,
          querystring: searchQuery,
          response: { 200: searchHitPage, ...authErrors },
        },
      },
      (req) => search.everywhere(ctxOf(req), req.query),
    );

    r.get(
      '/messages/conversation/:id/search',
      {
        schema: {
          tags: ['messages', ...tags],
          description: `Messages of one conversation. ${RULES}`,
          params: uuidParam,
          querystring: searchQuery,
          response: { 200: messageHitPage, ...idErrors },
        },
      },
      (req) => search.inConversation(ctxOf(req), req.params.id, req.query),
    );
  };
}
