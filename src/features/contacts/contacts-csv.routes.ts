import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { AppError, badRequest } from '../../http/errors.js';
import { authErrors, problemSchema } from '../../http/schemas.js';
import type { DomainEvents } from '../../platform/events.js';
import { exportContacts } from './contacts-export.js';
import { IMPORT_MAX_ROWS, importContacts } from './contacts-import.js';
import { contactFilterQuery } from './contacts.schema.js';

const tags = ['contacts'];
/** 100k rows of a dozen fields fit well within this. */
export const IMPORT_MAX_BYTES = 64 * 1024 * 1024;

const importResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.array(z.object({ line: z.number().int(), error: z.string() })),
});

const tooLarge = () =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`);

export function contactsCsvRoutes(db: Db, events: DomainEvents) {
  return async (app: FastifyInstance) => {
    // Scoped to this plugin: only the import takes multipart bodies.
    await app.register(fastifyMultipart, {
      limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10, parts: 11 },
    });
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/contacts/export',
      {
        preValidation: requirePermission('contacts:read'),
        schema: {
          tags,
          description:
            'CSV (text/csv) of the contacts the caller may see, streamed from the database. Cells starting ' +
            'with = + - @ are prefixed with a single quote (formula injection guard); the import removes it.',
          produces: ['text/csv'],
          querystring: contactFilterQuery,
          response: { 200: z.any().describe('text/csv'), ...authErrors },
        },
      },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="contacts.csv"')
          .send(exportContacts(db, ctxOf(req), req.query)),
    );

    r.post(
      '/contacts/import',
      {
        preValidation: requirePermission('contacts:write'),
        schema: {
          tags,
          consumes: ['multipart/form-data'],
          description:
            `Multipart upload, field "file": a CSV with a header line (columns of the export; id, tags and times are ` +
            `ignored). Upserts by phone_number or external_id, up to ${IMPORT_MAX_ROWS} rows; bad lines are ` +
            'reported in failed[] (1-based line numbers of the file) and never stop the import.',
          response: { 200: importResult, 413: problemSchema, 415: problemSchema, ...authErrors },
        },
      },
      async (req) => {
        if (!req.isMultipart()) {
          throw new AppError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            'Send the CSV as multipart/form-data in the field "file"',
          );
        }
        if (Number(req.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
        const part = await req.file();
        if (!part || part.fieldname !== 'file') {
          part?.file.resume();
          throw badRequest('No CSV file', [
            { field: 'file', message: 'A file in the field "file" is required' },
          ]);
        }
        return importContacts(db, events, ctxOf(req), part.file);
      },
    );
  };
}
