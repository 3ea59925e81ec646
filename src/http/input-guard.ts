import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from './errors.js';

/** Deeper JSON than any request of the API needs; serialising far deeper input overflows the stack. */
export const MAX_INPUT_DEPTH = 32;

const NUL = 'must not contain NUL (U+0000) characters';
const LONE_SURROGATE = 'must be well-formed Unicode (it holds a lone surrogate)';
// With the u flag a surrogate pair reads as one code point, so only lone halves match.
const LONE_SURROGATE_RE = /\p{Cs}/u;

/**
 * Rejects, before validation, input that the database or the JSON serialiser cannot take, so the
 * client gets a 400 naming the field instead of a failed statement (500): PostgreSQL text and jsonb
 * cannot hold U+0000, jsonb refuses a lone surrogate's escape, and a body nested thousands of levels
 * deep overflows JSON.stringify. A route that declares no body (nor what it consumes) takes none
 * (API.md: unknown fields are rejected, never ignored). Hidden routes (Meta's stand-in, static
 * files) answer in their own formats, and bodies kept as bytes (the signed webhook) are not parsed.
 */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    // A missing route is a 404 whatever it was sent (the not-found handler answers it).
    if (request.is404) return;
    const schema = request.routeOptions.schema;
    if (schema?.hide === true) return;
    // Routes that read their own body (multipart uploads) declare what they consume.
    if (!schema?.body && !schema?.consumes && !isEmptyBody(request.body)) {
      const type = request.headers['content-type']?.split(';')[0] ?? 'such';
      throw badRequest(`This endpoint takes no ${type} body`, [
        { field: '(root)', message: 'Unexpected body' },
      ]);
    }
    const parts = { params: request.params, querystring: request.query, body: request.body };
    for (const [where, value] of Object.entries(parts)) {
      const problem = unstorable(value);
      if (!problem) continue;
      const field = problem.field || '(root)';
      throw badRequest(`${where}/${field} ${problem.message}`, [{ field, message: problem.message }]);
    }
  });
}

const isEmptyBody = (body: FastifyRequest['body']) =>
  body === undefined ||
  body === null ||
  Buffer.isBuffer(body) ||
  (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);

const textProblem = (s: string) =>
  s.includes('\u0000') ? NUL : LONE_SURROGATE_RE.test(s) ? LONE_SURROGATE : undefined;

/**
 * The first string or key the database cannot store, or the first value nested too deeply; for
 * input that does not pass the hook (files read by a handler, such as a CSV import). `text: false`
 * checks the nesting only (the webhook makes such text storable itself rather than refuse Meta).
 */
export function unstorable(
  input: unknown,
  { text = true }: { text?: boolean } = {},
): { field: string; message: string } | undefined {
  // Iterative: the input may be deeper than the call stack.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: '', depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const message = text ? textProblem(value) : undefined;
      if (message) return { field: path, message };
      continue;
    }
    if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return { field: path, message: `must not be nested deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    for (const [key, child] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      const message = text ? textProblem(key) : undefined;
      if (message) return { field: here, message };
      stack.push({ value: child, path: here, depth: depth + 1 });
    }
  }
  return undefined;
}
