import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { graphId } from './ids.js';

export interface StoredMedia {
  id: string;
  /** The number it was uploaded for or received on; only that number's token may read it. */
  phoneNumberId: string;
  bytes: Buffer;
  mimeType: string;
  filename: string | null;
  sha256Hex: string;
  sha256Base64: string;
}

/** Meta's media URLs expire after 5 minutes (media.md). */
const URL_TTL_SECONDS = 300;
/** A dev tool keeps media in memory; the oldest go first past this total. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export const LOOKASIDE_PATH = '/simulator/lookaside/whatsapp_business/attachments/';

/** In-memory media with Meta's short-lived, signed download URLs. */
export function createMediaStore() {
  const items = new Map<string, StoredMedia>();
  const urlKey = randomBytes(32);
  let totalBytes = 0;

  const sign = (mid: string, ext: string) =>
    createHmac('sha256', urlKey).update(`${mid}.${ext}`).digest('base64url');

  function evict() {
    for (const [id, media] of items) {
      if (totalBytes <= MAX_TOTAL_BYTES) return;
      items.delete(id);
      totalBytes -= media.bytes.length;
    }
  }

  return {
    put(phoneNumberId: string, bytes: Buffer, mimeType: string, filename: string | null = null): StoredMedia {
      const digest = createHash('sha256').update(bytes).digest();
      const media: StoredMedia = {
        id: graphId(),
        phoneNumberId,
        bytes,
        mimeType,
        filename,
        sha256Hex: digest.toString('hex'),
        sha256Base64: digest.toString('base64'),
      };
      items.set(media.id, media);
      totalBytes += bytes.length;
      evict();
      return media;
    },
    get: (id: string) => items.get(id),
    remove(id: string): boolean {
      const media = items.get(id);
      if (!media) return false;
      items.delete(id);
      totalBytes -= media.bytes.length;
      return true;
    },
    /** A lookaside-style URL like Meta's, valid for 5 minutes. */
    urlFor(origin: string, media: StoredMedia): string {
      const ext = String(Math.floor(Date.now() / 1000) + URL_TTL_SECONDS);
      const query = new URLSearchParams({ mid: media.id, ext, hash: sign(media.id, ext) });
      return `${origin}${LOOKASIDE_PATH}?${query.toString()}`;
    },
    /** The media a download URL points at, or why it cannot be served. */
    resolveUrl(q: { mid?: string; ext?: string; hash?: string }): StoredMedia | 'expired' | undefined {
      if (!q.mid || !q.ext || !q.hash) return undefined;
      const expected = Buffer.from(sign(q.mid, q.ext));
      const given = Buffer.from(q.hash);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
      if (Number(q.ext) * 1000 < Date.now()) return 'expired';
      return items.get(q.mid);
    },
  };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
