import { randomUUID } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { findSessionPrincipal } from './features/auth/sessions.js';
import type { TokenService } from './features/auth/tokens.js';
import { healthRoutes } from './features/health/health.routes.js';
import { FEATURES } from './features/registry.js';
import { guardedPermissions, registerAuth } from './http/auth.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerInputGuard } from './http/input-guard.js';
import { toPostmanCollection, type OpenApiDocument } from './http/postman.js';
import { registerRateLimit } from './http/rate-limit.js';
import type { SecretBox } from './platform/crypto.js';
import type { DomainEvents } from './platform/events.js';
import type { Platform } from './platform/index.js';
import type { MailService } from './platform/mail.js';
import type { Mailer } from './platform/mailer.js';
import type { Queue } from './platform/queue.js';
import { attachRealtime } from './realtime/gateway.js';
import type { ObjectStorage } from './platform/storage.js';

export interface AppDeps {
  config: Config;
  database: Database;
  platform: Platform;
  queue: Queue;
  tokens: TokenService;
  secrets: SecretBox;
  events: DomainEvents;
  logger: Logger;
  /** File bytes: local disk (DATA_DIR/files) or an S3-compatible store. */
  storage: ObjectStorage;
  /** Sends one mail (SMTP or the log); features go through `mail`, never this directly. */
  mailer: Mailer;
  /** Renders a mail template and queues it (MAIL_QUEUE), so a request never waits for SMTP. */
  mail: MailService;
  /** Prefix of every Redis key and channel of this deployment (instances that work together share it). */
  keyPrefix: string;
}

export interface ApiRoute {
  method: string;
  /** Fastify form, e.g. /api/v1/users/:id */
  url: string;
  public: boolean;
  /** Permissions its guards require. */
  permissions: string[];
  /** Largest body it accepts, in bytes (the app's BODY_LIMIT_MB unless the route sets its own). */
  bodyLimit: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the OpenAPI document shows (API, health, simulator control), for the route sweep. */
    apiRoutes: ApiRoute[];
  }
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, platform, tokens } = deps;
  // Typed as Fastify's logger so the instance keeps the default generics every plugin expects.
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: config.bodyLimitBytes,
    // A caller's request id is kept when sane, so logs can be joined across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: trustProxyOption(config.trustProxy),
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerInputGuard(app);
  const apiRoutes: ApiRoute[] = [];
  app.decorate('apiRoutes', apiRoutes);
  app.addHook('onRoute', (route) => {
    // Hidden routes (Swagger UI, the web app, Meta's stand-in) are not part of the documented API.
    if (route.schema?.hide === true) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      apiRoutes.push({
        method,
        url: route.url,
        public: route.config?.public === true,
        permissions: [route.onRequest, route.preValidation, route.preHandler].flatMap(guardedPermissions),
        bodyLimit: route.bodyLimit ?? config.bodyLimitBytes,
      });
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        mediaSrc: ["'self'", 'blob:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
      },
    },
  });
  await app.register(fastifyCors, {
    origin: config.corsOrigin,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ApiCeChat API',
        version: '1.0.0',
        description: 'Multi-tenant WhatsApp customer messaging. See API.md.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  registerAuth(app, tokens, async (claims) => {
    const row = await findSessionPrincipal(database.db, claims);
    if (!row) return undefined;
    const mfaPending = !row.user.mfaEnabled && config.mfaRequiredRoles.includes(row.role.name);
    return { role: row.role.name, permissions: row.role.permissions, mfaPending };
  });
  registerRateLimit(app, platform.rateLimitStore, {
    limit: config.throttle.limit,
    windowSeconds: config.throttle.ttlSeconds,
  });

  const readiness: Record<string, () => Promise<void>> = { database: () => database.ping() };
  const redis = platform.redis;
  if (redis) readiness.redis = async () => void (await redis.ping());
  await app.register(healthRoutes(readiness));

  await app.register(
    async (api) => {
      for (const feature of FEATURES) {
        if (feature.routes) await api.register(feature.routes(deps));
      }
    },
    { prefix: '/api/v1' },
  );
  for (const feature of FEATURES) {
    if (feature.rootRoutes) await app.register(feature.rootRoutes(deps));
  }

  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  // The same document as a Postman collection to import (`npm run postman` saves it to a file).
  app.get('/postman.json', { config: { public: true }, schema: { hide: true } }, () =>
    toPostmanCollection(app.swagger() as unknown as OpenApiDocument, config.publicUrl),
  );

  const realtime = attachRealtime(app.server, deps);
  // Before the HTTP server closes: it would otherwise wait on the upgraded socket connections.
  app.addHook('preClose', () => realtime.close());
  return app;
}

/** A hop count trusts that many proxies in front of us; Fastify's types only take the function form. */
function trustProxyOption(value: boolean | number | string) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}
