import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldError } from './errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  request_id?: string;
}

export function problem(status: number, code: ErrorCode, detail: string, errors?: FieldError[]): Problem {
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors ? { errors } : {}),
  };
}

/** The shape fastify-type-provider-zod gives each zod issue in `err.validation`. */
interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] };
}

/** Maps the zod type provider's issues to API.md's `errors[]`: one entry per field. */
function fieldErrors(validation: ValidationIssue[]): FieldError[] {
  return validation.flatMap((v) => {
    const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    if (v.keyword === 'unrecognized_keys' && v.params?.keys?.length) {
      return v.params.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'Unknown field' }));
    }
    return [{ field: base || '(root)', message: v.message ?? 'Invalid value' }];
  });
}

// Fastify's own client errors that are safe to explain, by their code.
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'VALIDATION_ERROR' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'VALIDATION_ERROR' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'VALIDATION_ERROR' },
};

const routeNotFound = (request: FastifyRequest) =>
  problem(404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`);

/** One error handler for the whole app: every failure leaves as problem+json; 5xx hide internals. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let body: Problem;
    if (request.is404 && err.code?.startsWith('FST_ERR_CTP_')) {
      // A missing route is 404 whatever its body (malformed, oversize or of an unknown type).
      body = routeNotFound(request);
    } else if (err instanceof AppError) {
      body = problem(err.status, err.code, err.message, err.errors);
      if (err.headers) void reply.headers(err.headers);
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = fieldErrors(err.validation);
      const where = err.validationContext ?? 'request';
      const first = errors[0];
      body = problem(
        400,
        'VALIDATION_ERROR',
        first ? `${where}/${first.field} ${first.message}` : 'Invalid request',
        errors,
      );
    } else if (err.code === 'FST_ERR_VALIDATION' || err.validation) {
      body = problem(400, 'VALIDATION_ERROR', err.message);
    } else if (err.code && FASTIFY_CODES[err.code]) {
      const known = FASTIFY_CODES[err.code]!;
      body = problem(known.status, known.code, err.message);
    } else if (err instanceof SyntaxError || (err.statusCode === 400 && !isResponseSerializationError(err))) {
      body = problem(400, 'VALIDATION_ERROR', 'Malformed request body');
    } else if (err.statusCode === 429) {
      body = problem(429, 'RATE_LIMITED', 'Too many requests');
    } else if (isUnstorableText(err)) {
      // The input guard rejects NUL in parsed input; this catches text from other paths (file names).
      body = problem(
        400,
        'VALIDATION_ERROR',
        'The request holds text that cannot be stored (such as U+0000)',
      );
    } else if (isDatabaseUnavailable(err)) {
      request.log.error({ err }, 'database unavailable');
      body = problem(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable, retry shortly');
      void reply.header('retry-after', '5');
    } else {
      request.log.error({ err }, 'unhandled error');
      body = problem(500, 'INTERNAL_ERROR', `Internal error (request id ${request.id})`);
    }
    body.request_id = request.id;
    return reply.status(body.status).type('application/problem+json').send(body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type('application/problem+json')
      .send({ ...routeNotFound(request), request_id: request.id }),
  );
}

/**
 * PostgreSQL and network codes that mean "the database cannot be reached right now": admin
 * shutdown / crash shutdown / starting up (57P0x), connection exceptions (class 08), too many
 * connections, and the socket errors of a server that is down or restarting.
 */
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
// node-postgres reports a connection lost mid-query, or a client that already lost it, in words only.
const UNAVAILABLE_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

/** Drizzle wraps the driver's error (DrizzleQueryError), so the reason may sit a few causes deep. */
function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** 22021: a NUL byte in text; 22P05: \u0000 (or another unmappable escape) in jsonb. */
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function isUnstorableText(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNSTORABLE_TEXT_CODES.has(code)) return true;
  }
  return false;
}
