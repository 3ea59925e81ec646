import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, forbidden, notFound } from '../../http/errors.js';
import { contentDisposition, type ByteRange } from '../../platform/storage.js';
import type { LocalObjectStorage } from '../../platform/storage.local.js';
import { fileTokenQuery } from './media.schema.js';

/**
 * One `bytes=` range of RFC 9110: `a-b`, `a-` or `-n`. Several ranges or a malformed header are
 * ignored (the whole file is sent, as the RFC allows); a range past the end is 'unsatisfiable'.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, from, to] = match;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start > end ? undefined : { start, end };
}

/**
 * Serves local-disk objects behind signed, expiring URLs (no bearer token: browsers load them in
 * <img>/<video>). Not under the per-user rate limit: the signature is the authorization and a page
 * of the inbox loads many thumbnails at once.
 */
export function mediaFileRoutes(storage: LocalObjectStorage) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/media/file',
      {
        config: { public: true, rateLimit: false },
        schema: {
          tags: ['media'],
          summary: 'A stored file, through the signed URL of an attachment',
          security: [],
          querystring: fileTokenQuery,
        },
      },
      async (req, reply) => {
        const verdict = storage.verify(req.query.token);
        if (!verdict.ok)
          throw forbidden(verdict.reason === 'expired' ? 'This link has expired' : 'Invalid link');
        const { key, contentType, fileName, expiresAt } = verdict.target;
        const info = await storage.stat(key);
        if (!info) throw notFound('File');
        const range = parseRange(req.headers.range, info.size);
        if (range === 'unsatisfiable') {
          throw new AppError(416, 'VALIDATION_ERROR', 'Range not satisfiable', undefined, {
            'content-range': `bytes */${info.size}`,
          });
        }
        const object = await storage.read(key, range);
        if (!object) throw notFound('File');
        const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
        void reply.headers({
          'content-type': contentType ?? 'application/octet-stream',
          'content-length': String(range ? range.end - range.start + 1 : info.size),
          'accept-ranges': 'bytes',
          'cache-control': `private, max-age=${maxAge}`,
          // Uploaded bytes never run as a page of this origin, whatever a browser thinks they are.
          'content-security-policy': "default-src 'none'; sandbox",
          'cross-origin-resource-policy': 'cross-origin',
          ...(fileName ? { 'content-disposition': contentDisposition(fileName) } : {}),
        });
        if (range)
          void reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
        return reply.send(object.body);
      },
    );
  };
}
