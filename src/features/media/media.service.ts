import { createReadStream } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { uuidv7 } from '../../db/columns.js';
import type { RequestContext } from '../../http/context.js';
import { forbidden, notFound } from '../../http/errors.js';
import type { ObjectStorage } from '../../platform/storage.js';
import { recordAudit } from '../audit/audit.service.js';
import { findVisibleMedia, mayDeleteMedia } from './media-access.js';
import { describeMedia, discardRenditions, type Rendition } from './media-metadata.js';
import { discardStaged, type StagedFile } from './media-staging.js';
import type { MediaTools } from './media-tools.js';
import { signMediaUrls, type MediaUrlSigner } from './media-urls.js';
import type { MediaDto } from './media.schema.js';
import { mediaObjects, type MediaObject, type NewMediaObject } from './media.table.js';
import type { MediaKind } from './media-types.js';

export interface MediaServiceDeps {
  db: Db;
  storage: ObjectStorage;
  signer: MediaUrlSigner;
  tools: MediaTools;
  /** UPLOAD_MAX_IMAGE_PIXELS: larger images and videos are refused from their header (413). */
  maxImagePixels: number;
  /** Reports cleanups that failed after the answer was decided (a leftover object is harmless). */
  onCleanupError: (err: unknown) => void;
}

/** Where the objects of one media live; ids, never user input, make the keys. */
export function mediaKeys(tenantId: string, id: string) {
  const base = `media/${tenantId}/${id}`;
  return {
    original: `${base}/original`,
    thumbnail: `${base}/thumbnail.webp`,
    preview: `${base}/preview.webp`,
  };
}

/** Every stored object of a media row. */
export const storedKeysOf = (m: Pick<MediaObject, 'storageKey' | 'thumbnailKey' | 'previewKey'>) =>
  [m.storageKey, m.thumbnailKey, m.previewKey].filter((k): k is string => k !== null);

export async function toMediaDto(signer: MediaUrlSigner, m: MediaObject): Promise<MediaDto> {
  return {
    id: m.id,
    kind: m.kind,
    ...(await signMediaUrls(signer, m)),
    mime_type: m.mimeType,
    name: m.name,
    size: m.size,
    width: m.width,
    height: m.height,
    duration_ms: m.durationMs,
    sha256: m.sha256,
    source: m.source,
    attached: m.attachedAt !== null,
    created_at: m.createdAt.toISOString(),
  };
}

/** Who a stored file belongs to and where it came from. */
interface Origin {
  tenantId: string;
  ctx?: RequestContext;
  source: NewMediaObject['source'];
  whatsappMediaId?: string;
  kind?: MediaKind;
}

export function createMediaService(d: MediaServiceDeps) {
  const { db, storage } = d;

  async function putFile(key: string, path: string, size: number, contentType: string) {
    await storage.put(key, { body: createReadStream(path), size, contentType });
  }

  /**
   * Stores staged files and their renditions, then their rows in one transaction; on any
   * failure the objects already written are removed. Staged files are always deleted.
   */
  async function persist(staged: readonly StagedFile[], origin: Origin): Promise<MediaObject[]> {
    const written: string[] = [];
    try {
      const rows: NewMediaObject[] = [];
      for (const file of staged) {
        // One at a time: sharp and ffmpeg are heavy, and the machine is shared with the requests.
        const described = await describeMedia(file, d.tools, { maxImagePixels: d.maxImagePixels });
        const id = uuidv7();
        const keys = mediaKeys(origin.tenantId, id);
        await putFile(keys.original, file.path, file.size, file.mimeType);
        written.push(keys.original);
        const putRendition = async (key: string, r: Rendition | null) => {
          if (!r) return null;
          await putFile(key, r.path, r.size, r.contentType);
          written.push(key);
          return key;
        };
        rows.push({
          id,
          tenantId: origin.tenantId,
          storageKey: keys.original,
          thumbnailKey: await putRendition(keys.thumbnail, described.thumbnail),
          previewKey: await putRendition(keys.preview, described.preview),
          kind: origin.kind ?? file.kind,
          mimeType: file.mimeType,
          name: file.name,
          size: file.size,
          sha256: file.sha256,
          width: described.width,
          height: described.height,
          durationMs: described.durationMs,
          uploadedByUserId: origin.ctx?.userId ?? null,
          source: origin.source,
          whatsappMediaId: origin.whatsappMediaId ?? null,
        });
      }
      return await db.transaction(async (tx) => {
        const inserted = await tx.insert(mediaObjects).values(rows).returning();
        if (origin.ctx) {
          for (const m of inserted) {
            await recordAudit(tx, origin.ctx, {
              action: 'create',
              entityType: 'media',
              entityId: m.id,
              changes: { name: m.name, kind: m.kind, mime_type: m.mimeType, size: m.size },
            });
          }
        }
        return inserted;
      });
    } catch (err) {
      await storage.delete(written).catch(d.onCleanupError);
      throw err;
    } finally {
      await Promise.all([discardStaged(staged), discardRenditions(staged)]).catch(d.onCleanupError);
    }
  }

  async function visible(ctx: RequestContext, id: string) {
    const row = await findVisibleMedia(db, ctx, id);
    if (!row) throw notFound('Media');
    return row;
  }

  return {
    /** Files uploaded by a user. */
    async upload(ctx: RequestContext, staged: readonly StagedFile[]): Promise<MediaDto[]> {
      const rows = await persist(staged, { tenantId: ctx.tenantId, ctx, source: 'upload' });
      return Promise.all(rows.map((m) => toMediaDto(d.signer, m)));
    },

    /** A file received from WhatsApp (the inbound pipeline stages it with stageUpload first). */
    async ingest(
      tenantId: string,
      staged: StagedFile,
      o: { whatsappMediaId?: string; kind?: MediaKind } = {},
    ): Promise<MediaObject> {
      const [row] = await persist([staged], { tenantId, source: 'whatsapp', ...o });
      return row!;
    },

    async get(ctx: RequestContext, id: string): Promise<MediaDto> {
      return toMediaDto(d.signer, await visible(ctx, id));
    },

    /** Deletes the row, then its objects; messages that carried it keep their text, without the file. */
    async remove(ctx: RequestContext, id: string): Promise<void> {
      const row = await visible(ctx, id);
      if (!(await mayDeleteMedia(db, ctx, row)))
        throw forbidden('Only who may delete the message it is attached to can delete this file');
      await db.transaction(async (tx) => {
        await tx
          .delete(mediaObjects)
          .where(and(eq(mediaObjects.id, id), eq(mediaObjects.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'media',
          entityId: id,
          changes: { name: row.name, kind: row.kind },
        });
      });
      await storage.delete(storedKeysOf(row)).catch(d.onCleanupError);
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
