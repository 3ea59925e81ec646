import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../http/errors.js';
import { asError } from './media-errors.js';
import { discardStaged, stageUpload, type StageOptions, type StagedFile } from './media-staging.js';

export interface ReadUploadsOptions extends StageOptions {
  /** The form field of the file(s). */
  field: 'file' | 'files';
  /** Files accepted in one request; one more is 400. */
  max: number;
}

/** @fastify/multipart's own errors, as API.md codes. */
function fromMultipartError(err: unknown, o: ReadUploadsOptions): unknown {
  switch ((err as { code?: string }).code) {
    case 'FST_FILES_LIMIT':
      return tooMany(o);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return badRequest('Too many or invalid form fields');
    case 'FST_MP_PREMATURE_CLOSE':
      return badRequest('The upload ended before its end');
    default:
      return err instanceof Error && /multipart|boundary/i.test(err.message)
        ? badRequest('Malformed multipart body')
        : err;
  }
}

const tooMany = (o: ReadUploadsOptions) =>
  badRequest(`At most ${o.max} file${o.max === 1 ? '' : 's'} per upload`, [
    { field: o.field, message: `At most ${o.max}` },
  ]);

const unknownField = (part: MultipartFile | MultipartValue) =>
  badRequest(`Unknown field "${part.fieldname}"`, [{ field: part.fieldname, message: 'Unknown field' }]);

/**
 * Stages every file of a multipart request (see stageUpload). The whole body is always read,
 * even after a failure, so the client gets its answer; then either every file is accepted or
 * none is kept.
 */
export async function readUploads(req: FastifyRequest, o: ReadUploadsOptions): Promise<StagedFile[]> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the upload as multipart/form-data');
  }
  const biggest = Math.max(...Object.values(o.limits));
  const staged: StagedFile[] = [];
  let files = 0;
  let failure: Error | undefined;
  try {
    const parts = req.parts({
      // One byte over the largest limit is enough to answer 413; busboy drops the rest unread.
      limits: { fileSize: biggest + 1, files: o.max + 1, fields: 20, parts: o.max + 21 },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        failure ??= unknownField(part);
        continue;
      }
      files += 1;
      if (failure || part.fieldname !== o.field || files > o.max) {
        failure ??= part.fieldname !== o.field ? unknownField(part) : tooMany(o);
        part.file.resume();
        continue;
      }
      try {
        staged.push(await stageUpload(part.file, part.filename, o));
      } catch (err) {
        failure = asError(err);
      }
    }
  } catch (err) {
    failure ??= asError(fromMultipartError(err, o));
  }
  if (!failure && staged.length === 0) {
    failure = badRequest(`A file is required in field "${o.field}"`, [
      { field: o.field, message: 'Required' },
    ]);
  }
  if (failure) {
    await discardStaged(staged);
    throw failure;
  }
  return staged;
}
