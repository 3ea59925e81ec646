import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf } from '../../http/auth.js';
import { authErrors, problemSchema } from '../../http/schemas.js';
import type { UsersMeService } from './users-me.service.js';
import { updateMeBody, userSchema } from './users.schema.js';

const tags = ['users'];

/** `/users/me` is a static path: Fastify matches it before `/users/:id`, whatever the order. */
export function usersMeRoutes(me: UsersMeService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/users/me',
      {
        config: { beforeMfa: true },
        schema: { tags, summary: 'The caller', response: { 200: userSchema, ...authErrors } },
      },
      (req) => me.get(ctxOf(req)),
    );

    r.patch(
      '/users/me',
      {
        schema: {
          tags,
          summary: "Changes the caller's own name, email, phone number or avatar",
          body: updateMeBody,
          response: { 200: userSchema, 409: problemSchema, ...authErrors },
        },
      },
      (req) => me.update(ctxOf(req), req.body),
    );
  };
}
