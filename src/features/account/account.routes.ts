import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf } from '../../http/auth.js';
import { unauthenticated } from '../../http/errors.js';
import { limitBy } from '../../http/rate-limit.js';
import { authErrors, problemSchema } from '../../http/schemas.js';
import type { RateLimitStore } from '../../platform/rate-limit-store.js';
import {
  changePasswordBody,
  forgotPasswordBody,
  resetPasswordBody,
  verifyEmailBody,
} from './account.schema.js';
import type { AccountService } from './account.service.js';

const tags = ['auth'];
const publicErrors = { 400: problemSchema, 429: problemSchema };
// Nothing to say back: the result arrives by mail.
const accepted = { 202: z.undefined() };
const done = { 204: z.null() };

/** Guessing tokens or flooding someone's mailbox is slowed per IP (and per address for mails). */
const MAILS_PER_MINUTE = 3;
const TOKEN_TRIES_PER_MINUTE = 20;

export function accountRoutes(account: AccountService, store: RateLimitStore) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const perAddress = (req: { ip: string; body: unknown }) => {
      const email = (req.body as { email?: unknown } | undefined)?.email;
      return `${req.ip}:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
    };
    const perIp = (req: { ip: string }) => req.ip;

    r.post(
      '/auth/forgot-password',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Mail a password reset link (202 whether or not the address has an account)',
          body: forgotPasswordBody,
          response: { ...accepted, ...publicErrors },
        },
        preValidation: limitBy(store, 'forgot-password', MAILS_PER_MINUTE, 60, perAddress),
      },
      async (req, reply) => {
        account.forgotPassword(req.body.email);
        return reply.status(202).send(undefined);
      },
    );

    r.post(
      '/auth/reset-password',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Choose a new password with the mailed token; ends every session of the user',
          body: resetPasswordBody,
          response: { ...done, ...publicErrors },
        },
        preValidation: limitBy(store, 'account-token', TOKEN_TRIES_PER_MINUTE, 60, perIp),
      },
      async (req, reply) => {
        await account.resetPassword(req.body.token, req.body.password);
        return reply.status(204).send(null);
      },
    );

    r.post(
      '/auth/verify-email',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Confirm an email address with the mailed token',
          body: verifyEmailBody,
          response: { ...done, ...publicErrors },
        },
        preValidation: limitBy(store, 'account-token', TOKEN_TRIES_PER_MINUTE, 60, perIp),
      },
      async (req, reply) => {
        await account.verifyEmail(req.body.token);
        return reply.status(204).send(null);
      },
    );

    r.post(
      '/auth/verify-email/resend',
      {
        config: { beforeMfa: true },
        schema: {
          tags,
          summary: "Mail a new verification link for the caller's address",
          response: { ...accepted, ...authErrors, 404: problemSchema },
        },
        preHandler: limitBy(store, 'verify-resend', MAILS_PER_MINUTE, 60, (req) => ctxOf(req).userId),
      },
      async (req, reply) => {
        await account.resendVerification(ctxOf(req));
        return reply.status(202).send(undefined);
      },
    );

    r.post(
      '/users/me/password',
      {
        config: { beforeMfa: true },
        schema: {
          tags: ['users'],
          summary: 'Change your own password; your other sessions end, this one stays',
          body: changePasswordBody,
          response: { ...done, ...authErrors, 404: problemSchema },
        },
      },
      async (req, reply) => {
        if (!req.auth) throw unauthenticated();
        const { current_password, new_password } = req.body;
        await account.changePassword(
          { ...ctxOf(req), sessionId: req.auth.sessionId },
          current_password,
          new_password,
        );
        return reply.status(204).send(null);
      },
    );
  };
}
