import { timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { whatsappIntegrations } from '../features/integrations/integrations.table.js';
import { AppError } from '../http/errors.js';
import { failureLimit } from '../http/rate-limit.js';
import { problemSchema } from '../http/schemas.js';
import { sha256Hex } from '../platform/crypto.js';
import type { RateLimitStore } from '../platform/rate-limit-store.js';
import type { WebhookIntake } from './webhook-intake.js';

const tags = ['whatsapp'];
const PATH = '/meta-whatsapp/webhook';
/** Meta batches up to 1,000 updates in one POST; WEBHOOK_MAX_UPDATES caps their number. */
const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;
/** Wrong hub.verify_token guesses per IP and minute before the handshake answers 429 (API.md). */
const VERIFY_GUESSES_PER_MINUTE = 10;

const handshakeQuery = z.object({
  'hub.mode': z.string().max(50).optional(),
  'hub.verify_token': z.string().max(2000).optional(),
  'hub.challenge': z.string().max(500).optional(),
});

const sameString = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface WebhookRoutesOptions {
  db: Db;
  intake: WebhookIntake;
  fallbackVerifyToken: string | undefined;
  /** Counts wrong verify tokens per IP (shared over Redis in services mode). */
  rateLimitStore: RateLimitStore;
}

/** The public webhook pair Meta calls: the GET handshake and the signed POST. */
export function webhookRoutes({ db, intake, fallbackVerifyToken, rateLimitStore }: WebhookRoutesOptions) {
  const guesses = failureLimit(rateLimitStore, 'verify-token', VERIFY_GUESSES_PER_MINUTE, 60);

  async function tokenMatches(token: string): Promise<boolean> {
    if (fallbackVerifyToken && sameString(token, fallbackVerifyToken)) return true;
    const [row] = await db
      .select({ id: whatsappIntegrations.id })
      .from(whatsappIntegrations)
      .where(eq(whatsappIntegrations.verifyTokenHash, sha256Hex(token)))
      .limit(1);
    return row !== undefined;
  }

  return async (app: FastifyInstance) => {
    // The signature covers the exact bytes, so this route keeps the body as a Buffer.
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      PATH,
      {
        config: { public: true, rateLimit: false },
        schema: {
          tags,
          summary: 'Meta webhook verification handshake',
          security: [],
          querystring: handshakeQuery,
          response: { 200: z.string(), 403: problemSchema, 429: problemSchema },
        },
      },
      async (req, reply) => {
        await guesses.check(req.ip);
        const q = req.query;
        const token = q['hub.verify_token'];
        if (q['hub.mode'] !== 'subscribe' || !token || !(await tokenMatches(token))) {
          throw (
            (await guesses.fail(req.ip)) ??
            new AppError(403, 'FORBIDDEN', 'Verification token does not match')
          );
        }
        return reply.type('text/plain').send(q['hub.challenge'] ?? '');
      },
    );

    r.post(
      PATH,
      {
        config: { public: true, rateLimit: false },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags,
          summary:
            'Meta webhook events (signed with X-Hub-Signature-256; stored, then processed asynchronously)',
          security: [],
          response: {
            200: z.object({ status: z.literal('ok'), stored: z.number().int() }),
            400: problemSchema,
            403: problemSchema,
            413: problemSchema,
          },
        },
      },
      async (req) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const header = req.headers['x-hub-signature-256'];
        const { stored } = await intake.receive(raw, typeof header === 'string' ? header : undefined);
        return { status: 'ok' as const, stored };
      },
    );
  };
}
