import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { idErrors, problemSchema, uuidParam } from '../../http/schemas.js';
import { readUploads } from './media-multipart.js';
import type { StageOptions } from './media-staging.js';
import { UPLOAD_KINDS, type UploadKind } from './media-types.js';
import { mediaListSchema, mediaSchema } from './media.schema.js';
import type { MediaService } from './media.service.js';

const tags = ['media'];
const canWrite = requirePermission('media:write');
const uploadErrors = { ...idErrors, 413: problemSchema, 415: problemSchema };

interface UploadEndpoint {
  path: string;
  kinds: readonly UploadKind[];
  summary: string;
}

const SINGLE_UPLOADS: UploadEndpoint[] = [
  {
    path: '/upload/single',
    kinds: UPLOAD_KINDS,
    summary: 'Upload one file of any accepted kind (field "file")',
  },
  {
    path: '/upload/image',
    kinds: ['image'],
    summary: 'Upload one JPEG, PNG, GIF or WebP image (field "file")',
  },
  {
    path: '/upload/video',
    kinds: ['video'],
    summary: 'Upload one MP4, MPEG, QuickTime or WebM video (field "file")',
  },
  {
    path: '/upload/audio',
    kinds: ['audio'],
    summary: 'Upload one MP3, WAV, OGG, WebM, AAC, AMR or M4A audio file (field "file")',
  },
  {
    path: '/upload/document',
    kinds: ['document'],
    summary: 'Upload one PDF, Word, Excel, PowerPoint, text or CSV document (field "file")',
  },
];

export const MAX_FILES_PER_UPLOAD = 10;

/**
 * Uploads are multipart and streamed (see media-staging.ts): the type is decided by the bytes,
 * the size limit by the type, and nothing is stored unless every file of the request is accepted.
 */
export function mediaRoutes(
  media: MediaService,
  stageOptions: (kinds: readonly UploadKind[]) => StageOptions,
) {
  return async (app: FastifyInstance) => {
    // Encapsulated: only these routes parse multipart bodies, and limits are set per request.
    // Our own byte count answers 413 (media-staging.ts); busboy only stops reading past the largest limit.
    await app.register(fastifyMultipart, { throwFileSizeLimit: false });
    const r = app.withTypeProvider<ZodTypeProvider>();

    for (const endpoint of SINGLE_UPLOADS) {
      r.post(
        endpoint.path,
        {
          preValidation: canWrite,
          schema: {
            tags,
            summary: endpoint.summary,
            consumes: ['multipart/form-data'],
            response: { 201: mediaSchema, ...uploadErrors },
          },
        },
        async (req, reply) => {
          const staged = await readUploads(req, { ...stageOptions(endpoint.kinds), field: 'file', max: 1 });
          const [created] = await media.upload(ctxOf(req), staged);
          return reply.status(201).send(created!);
        },
      );
    }

    r.post(
      '/upload/multiple',
      {
        preValidation: canWrite,
        schema: {
          tags,
          summary: `Upload up to ${MAX_FILES_PER_UPLOAD} files (field "files")`,
          consumes: ['multipart/form-data'],
          response: { 201: mediaListSchema, ...uploadErrors },
        },
      },
      async (req, reply) => {
        const staged = await readUploads(req, {
          ...stageOptions(UPLOAD_KINDS),
          field: 'files',
          max: MAX_FILES_PER_UPLOAD,
        });
        return reply.status(201).send({ data: await media.upload(ctxOf(req), staged) });
      },
    );

    r.get(
      '/media/:id',
      { schema: { tags, params: uuidParam, response: { 200: mediaSchema, ...idErrors } } },
      (req) => media.get(ctxOf(req), req.params.id),
    );

    r.delete(
      '/media/:id',
      {
        preValidation: canWrite,
        schema: { tags, params: uuidParam, response: { 204: z.null(), ...idErrors } },
      },
      async (req, reply) => {
        await media.remove(ctxOf(req), req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
