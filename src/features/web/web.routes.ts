import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** web/dist, from src/features/web/ and from dist/features/web/ alike. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The inbox's client-side routes (web/src/router.ts): a reload there must get the page. Listed
 * rather than caught with a wildcard, so every other unknown path keeps its own 404 (problem+json
 * for the API, Meta's error shape under /simulator/graph).
 */
export const PAGE_ROUTES = [
  '/',
  '/conversations/*',
  '/admin',
  '/admin/*',
  '/profile',
  // Where mailed links point (API.md: PUBLIC_URL/reset-password?token=, /verify-email?token=).
  '/reset-password',
  '/verify-email',
];

/** Hashed bundle files never change; index.html must always be revalidated to pick up a new build. */
function setCacheHeaders(reply: FastifyReply, file: string) {
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
}

/** A browser navigating (or a client that takes anything); not an API client asking for JSON. */
function wantsPage(request: FastifyRequest) {
  const accept = request.headers.accept;
  return !accept || accept.includes('text/html') || accept.includes('*/*');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>ApiCeChat</title>
<p>The web inbox is not built: run <code>npm run build:web</code> (<code>npm start</code> builds it when missing).</p>
<p>The API is documented at <a href="/docs">/docs</a>.</p>`;

/** The inbox: web/dist's bundle under /assets, and index.html for every page of the app. */
export function webRoutes(root = WEB_DIST_DIR) {
  return async (app: FastifyInstance) => {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      cacheControl: false,
      setHeaders: setCacheHeaders,
    });
    const options = { config: { public: true }, schema: { hide: true } };

    const page = (request: FastifyRequest, reply: FastifyReply) => {
      if (!wantsPage(request)) return reply.callNotFound();
      if (!existsSync(path.join(root, 'index.html')))
        return reply.status(503).type('text/html').send(NOT_BUILT);
      return reply.sendFile('index.html');
    };
    for (const url of PAGE_ROUTES) app.get(url, options, page);

    app.get<{ Params: { '*': string } }>('/assets/*', options, (request, reply) => {
      const file = path.posix.normalize(`assets/${request.params['*']}`);
      // Nothing outside assets/ (a decoded ../ climbing out), whatever `send` would make of it.
      return file.startsWith('assets/') ? reply.sendFile(file) : reply.callNotFound();
    });
  };
}
