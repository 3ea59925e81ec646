import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../../http/auth.js';
import type { SimulatedNumber } from './credentials.js';
import type { GraphEndpoint } from './endpoints.js';
import { GraphError, graphError, invalidParam } from './graph-errors.js';
import type { GraphRequest } from './request-log.js';
import type { Simulator } from './simulator.js';

/** Truncated JSON, for the "malformed answer" fault. */
const MALFORMED_BODY = '{"messaging_product":"whatsapp","contacts":[{"input"';

/** Anything that is not already Meta-shaped leaves as Meta would answer it. */
function toGraphError(err: FastifyError): GraphError {
  if (err instanceof GraphError) return err;
  if (err.statusCode === 413) return invalidParam('The request body is too large.');
  if (err.statusCode === 415) return invalidParam('Unsupported content type.');
  if (err.statusCode !== undefined && err.statusCode < 500) return invalidParam(err.message);
  return graphError(1);
}

/** Meta's error answers for a Graph-like plugin: errors and unknown paths. */
export function registerMetaErrors(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const graph = toGraphError(err);
    if (graph.status >= 500 && !(err instanceof GraphError)) request.log.error({ err }, 'simulator error');
    return reply.status(graph.status).type('application/json').send(graph.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const graph = graphError(2500, { message: `Unknown path components: ${request.url.split('?')[0]}` });
    return reply.status(graph.status).type('application/json').send(graph.body);
  });
}

const parseMaybe = (payload: unknown): unknown => {
  if (Buffer.isBuffer(payload)) return `<${payload.length} bytes>`;
  if (typeof payload !== 'string') return null;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
};

/** The JSON body as Meta reads it: absent, parsed, or not JSON at all (a Meta error, not ours). */
export function parseJsonBody(raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof raw !== 'string') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * What every Graph route does the same way: log the request (and later its answer), check the
 * token, play scripted faults. Created per plugin; its hook only sees that plugin's routes.
 */
export function createGraphKit(app: FastifyInstance, sim: Simulator) {
  const entries = new WeakMap<FastifyRequest, GraphRequest>();
  app.addHook('onSend', async (request, reply, payload) => {
    const entry = entries.get(request);
    if (entry) {
      entry.status_code = reply.statusCode;
      entry.response = parseMaybe(payload);
    }
    return payload;
  });

  return {
    /** Unknown versions are unknown paths, as on graph.facebook.com. */
    version(request: FastifyRequest, version: string) {
      if (!/^v\d+\.\d+$/.test(version)) {
        throw graphError(2500, { message: `Unknown path components: ${request.url.split('?')[0]}` });
      }
    },

    log(
      request: FastifyRequest,
      endpoint: GraphEndpoint,
      phoneNumberId: string | null,
      body: unknown = null,
      rawBody: string | null = null,
    ): GraphRequest {
      const entry = sim.requests.record({
        endpoint,
        method: request.method,
        path: request.url,
        phone_number_id: phoneNumberId,
        body,
        raw_body: rawBody,
      });
      entries.set(request, entry);
      return entry;
    },

    /** The numbers the request's token may act for (Bearer header or access_token query, as Graph takes). */
    async scope(request: FastifyRequest): Promise<SimulatedNumber[]> {
      const query = request.query as Record<string, unknown>;
      const token =
        bearerToken(request.headers.authorization) ??
        (typeof query.access_token === 'string' ? query.access_token : undefined);
      if (!token) throw graphError(104);
      const scope = await sim.registry.scopeOf(token);
      if (!scope.length) throw graphError(190);
      return scope;
    },

    /**
     * Plays the next scripted fault for this number and endpoint. Returns true when the request
     * has been answered (or dropped) by it; a pure delay then lets the request proceed.
     */
    async fault(
      request: FastifyRequest,
      reply: FastifyReply,
      phoneNumberId: string,
      endpoint: GraphEndpoint,
    ): Promise<boolean> {
      const fault = sim.faults.take(phoneNumberId, endpoint);
      if (!fault) return false;
      // Cut short when the app shuts down, answering like an unavailable Meta.
      if (fault.delay_ms && !(await sim.sleep(fault.delay_ms))) throw graphError(2);
      if (fault.disconnect) {
        void reply.hijack();
        request.raw.socket.destroy();
        return true;
      }
      if (fault.malformed) {
        await reply.status(200).type('application/json').send(MALFORMED_BODY);
        return true;
      }
      if (fault.error_code !== undefined || fault.http_status !== undefined) {
        const status = fault.http_status;
        const code =
          fault.error_code ??
          (status === 503
            ? 2
            : status === 429
              ? 130429
              : status !== undefined && status >= 500
                ? 131000
                : 100);
        const expired =
          code === 190 && !fault.message
            ? {
                message: `Error validating access token: Session has expired on ${new Date().toUTCString()}.`,
                subcode: 463,
              }
            : {};
        throw graphError(code, {
          ...expired,
          ...(status !== undefined ? { status } : {}),
          ...(fault.message ? { message: fault.message } : {}),
          ...(fault.details ? { details: fault.details } : {}),
        });
      }
      return false;
    },

    /** Origin the caller reached us on: media URLs must be reachable the same way. */
    origin: (request: FastifyRequest) => `${request.protocol}://${request.host}`,
  };
}

export type GraphKit = ReturnType<typeof createGraphKit>;
