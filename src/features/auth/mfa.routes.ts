import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ctxOf } from '../../http/auth.js';
import { unauthenticated } from '../../http/errors.js';
import { authErrors, problemSchema } from '../../http/schemas.js';
import { findUserWithRole } from '../users/users.service.js';
import { mfaDisableBody, mfaEnableBody, mfaEnableResponse, mfaSetupResponse } from './auth.schema.js';
import type { MfaService } from './mfa.service.js';

const tags = ['auth'];
const errors = { ...authErrors, 400: problemSchema, 409: problemSchema };

/** Enrolment is the caller's own business: no permission beyond being logged in. */
export function mfaRoutes(db: Db, mfa: MfaService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const me = async (req: FastifyRequest) => {
      const ctx = ctxOf(req);
      const row = await findUserWithRole(db, ctx.tenantId, ctx.userId);
      if (!row) throw unauthenticated();
      return row.user;
    };

    r.post(
      '/auth/mfa/setup',
      {
        config: { beforeMfa: true },
        schema: {
          tags,
          summary: 'Start two-factor enrolment: a new TOTP secret and its otpauth:// URL',
          response: { 200: mfaSetupResponse, ...errors },
        },
      },
      async (req) => mfa.setup(await me(req)),
    );

    r.post(
      '/auth/mfa/enable',
      {
        config: { beforeMfa: true },
        schema: {
          tags,
          summary: 'Confirm enrolment with a first code; answers 10 recovery codes (shown once)',
          body: mfaEnableBody,
          response: { 200: mfaEnableResponse, ...errors },
        },
      },
      (req) => mfa.enable(ctxOf(req).userId, req.body.code),
    );

    r.post(
      '/auth/mfa/disable',
      {
        schema: {
          tags,
          summary: 'Turn two-factor authentication off (password and a code)',
          body: mfaDisableBody,
          response: { 204: z.null(), ...errors },
        },
      },
      async (req, reply) => {
        await mfa.disable(await me(req), req.body.password, req.body.code);
        return reply.status(204).send(null);
      },
    );
  };
}
