import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { createGraphKit, registerMetaErrors } from './graph-kit.js';
import { lookasideRoute, MAX_UPLOAD_BYTES, mediaRoutes } from './graph-media.js';
import { messagesRoute } from './graph-messages.js';
import { templateRoutes } from './graph-templates.js';
import type { Simulator } from './simulator.js';

/**
 * The Graph API stand-in, mounted at /simulator/graph so paths are `/{version}/...` exactly as on
 * graph.facebook.com. Encapsulated: its JSON parser keeps the raw text (Meta errors for bad
 * JSON, exact bodies in the request log) and its errors are Meta's, not problem+json.
 */
export function graphRoutes(sim: Simulator) {
  return async (app: FastifyInstance) => {
    registerMetaErrors(app);
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
    const kit = createGraphKit(app, sim);
    messagesRoute(app, sim, kit);
    mediaRoutes(app, sim, kit);
    templateRoutes(app, sim, kit);
  };
}

/** Media download URLs, like Meta's lookaside.fbsbx.com host. */
export function lookasideRoutes(sim: Simulator) {
  return async (app: FastifyInstance) => {
    registerMetaErrors(app);
    lookasideRoute(app, sim, createGraphKit(app, sim));
  };
}
