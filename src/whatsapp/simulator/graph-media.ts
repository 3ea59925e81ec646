import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphKit } from './graph-kit.js';
import { graphError, invalidParam, missingParam, unsupportedRequest } from './graph-errors.js';
import type { Simulator } from './simulator.js';

const MB = 1024 * 1024;

/** Meta's supported upload types and their size limits (media.md §5). */
const LIMITS: Record<string, number> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'image/webp': 500 * 1024,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};
export const MAX_UPLOAD_BYTES = 100 * MB;

interface UploadForm {
  fields: Record<string, string>;
  file: { bytes: Buffer; filename: string; mimeType: string; truncated: boolean } | null;
}

async function readForm(req: FastifyRequest): Promise<UploadForm> {
  const form: UploadForm = { fields: {}, file: null };
  for await (const part of req.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } })) {
    if (part.type === 'field') {
      form.fields[part.fieldname] = String(part.value);
    } else if (part.fieldname === 'file' && !form.file) {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      form.file = {
        bytes: Buffer.concat(chunks),
        filename: part.filename,
        mimeType: part.mimetype,
        truncated: part.file.truncated,
      };
    } else {
      part.file.resume();
    }
  }
  return form;
}

/** The MIME type without parameters (`audio/ogg; codecs=opus` -> `audio/ogg`). */
const baseMime = (mime: string) => mime.split(';')[0]!.trim().toLowerCase();

type VersionParams = { version: string };

/** Upload, metadata, download and delete of media, with Meta's shapes and token rules. */
export function mediaRoutes(app: FastifyInstance, sim: Simulator, kit: GraphKit) {
  const hidden = { schema: { hide: true } };

  app.post<{ Params: VersionParams & { phoneNumberId: string } }>(
    '/:version/:phoneNumberId/media',
    hidden,
    async (req, reply) => {
      const { version, phoneNumberId } = req.params;
      kit.version(req, version);
      const entry = kit.log(req, 'media_upload', phoneNumberId);
      if (!(await kit.scope(req)).some((n) => n.phoneNumberId === phoneNumberId))
        throw unsupportedRequest('POST', phoneNumberId);
      if (await kit.fault(req, reply, phoneNumberId, 'media_upload')) return reply;
      if (!req.isMultipart()) throw invalidParam('Upload the file as multipart/form-data.');

      const { fields, file } = await readForm(req);
      entry.body = {
        ...fields,
        file: file && {
          filename: file.filename,
          mime_type: file.mimeType,
          size: file.bytes.length,
          sha256: createHash('sha256').update(file.bytes).digest('hex'),
        },
      };
      if (fields.messaging_product === undefined) throw missingParam('messaging_product');
      if (fields.messaging_product !== 'whatsapp')
        throw invalidParam(
          `Param messaging_product must be one of {WHATSAPP} - got "${fields.messaging_product}".`,
        );
      if (!file) throw missingParam('file');
      // Meta's table wants `type`, its own curl sample only sets the part's type: take either.
      const mimeType = fields.type ?? file.mimeType;
      const limit = LIMITS[baseMime(mimeType)];
      if (limit === undefined)
        throw invalidParam(
          `Param file must be a file with one of the following types: ${Object.keys(LIMITS).join(', ')}. Received file of type '${mimeType}'.`,
        );
      if (file.truncated || file.bytes.length > limit)
        throw graphError(131053, {
          details: `Media file size too big. Max file size for ${baseMime(mimeType)} is ${limit} bytes.`,
        });
      return { id: sim.media.put(phoneNumberId, file.bytes, mimeType, file.filename || null).id };
    },
  );

  app.get<{ Params: VersionParams & { objectId: string }; Querystring: { phone_number_id?: string } }>(
    '/:version/:objectId',
    hidden,
    async (req, reply) => {
      const { version, objectId } = req.params;
      kit.version(req, version);
      const media = sim.media.get(objectId);
      if (!media) return objectInfo(req, objectId);
      kit.log(req, 'media_get', media.phoneNumberId);
      const scope = await kit.scope(req);
      const wrongNumber =
        req.query.phone_number_id !== undefined && req.query.phone_number_id !== media.phoneNumberId;
      if (wrongNumber || !scope.some((n) => n.phoneNumberId === media.phoneNumberId))
        throw unsupportedRequest('GET', objectId);
      if (await kit.fault(req, reply, media.phoneNumberId, 'media_get')) return reply;
      return {
        messaging_product: 'whatsapp',
        url: sim.media.urlFor(kit.origin(req), media),
        mime_type: media.mimeType,
        sha256: media.sha256Hex,
        file_size: media.bytes.length,
        id: media.id,
      };
    },
  );

  /** GET on a phone number or WABA id: the few fields apps read to check their credentials. */
  async function objectInfo(req: FastifyRequest, objectId: string) {
    const known = (await sim.registry.all()).find((n) => n.phoneNumberId === objectId);
    kit.log(req, 'object_get', known?.phoneNumberId ?? null);
    const scope = await kit.scope(req);
    const number = scope.find((n) => n.phoneNumberId === objectId);
    if (number) {
      return {
        verified_name: 'Simulated Business',
        code_verification_status: 'VERIFIED',
        display_phone_number: number.displayPhoneNumber,
        quality_rating: 'GREEN',
        platform_type: 'CLOUD_API',
        throughput: { level: 'STANDARD' },
        id: number.phoneNumberId,
      };
    }
    if (scope.some((n) => n.wabaId === objectId)) {
      return { id: objectId, name: 'Simulated Business', currency: 'USD', timezone_id: '1' };
    }
    throw unsupportedRequest('GET', objectId);
  }

  app.delete<{ Params: VersionParams & { mediaId: string }; Querystring: { phone_number_id?: string } }>(
    '/:version/:mediaId',
    hidden,
    async (req, reply) => {
      const { version, mediaId } = req.params;
      kit.version(req, version);
      const media = sim.media.get(mediaId);
      kit.log(req, 'media_delete', media?.phoneNumberId ?? null);
      const scope = await kit.scope(req);
      const wrongNumber =
        req.query.phone_number_id !== undefined && req.query.phone_number_id !== media?.phoneNumberId;
      if (!media || wrongNumber || !scope.some((n) => n.phoneNumberId === media.phoneNumberId))
        throw unsupportedRequest('DELETE', mediaId);
      if (await kit.fault(req, reply, media.phoneNumberId, 'media_delete')) return reply;
      sim.media.remove(mediaId);
      return { success: true };
    },
  );
}

/** The lookaside download: the bytes, only with the owning number's token, only while the URL lives. */
export function lookasideRoute(app: FastifyInstance, sim: Simulator, kit: GraphKit) {
  app.get<{ Querystring: { mid?: string; ext?: string; hash?: string } }>(
    '/whatsapp_business/attachments/',
    { schema: { hide: true } },
    async (req, reply) => {
      const media = sim.media.resolveUrl(req.query);
      kit.log(req, 'media_download', typeof media === 'object' ? media.phoneNumberId : null);
      if (typeof media !== 'object') {
        throw graphError(100, {
          status: 404,
          message: media === 'expired' ? 'URL signature expired' : 'Media not found',
          details: null,
          plain: true,
        });
      }
      const scope = await kit.scope(req).catch(() => []);
      if (!scope.some((n) => n.phoneNumberId === media.phoneNumberId)) throw graphError(190);
      if (await kit.fault(req, reply, media.phoneNumberId, 'media_download')) return reply;
      if (media.filename)
        void reply.header(
          'content-disposition',
          `attachment; filename="${media.filename.replace(/"/g, '')}"`,
        );
      return reply.type(media.mimeType).send(media.bytes);
    },
  );
}
