import type { ObjectStorage } from '../../platform/storage.js';

/** Signs URLs of stored objects for browsers: expiring, no bearer token needed. */
export interface MediaUrlSigner {
  sign(key: string, options?: { contentType?: string | null; fileName?: string | null }): Promise<string>;
}

export function createMediaUrlSigner(storage: ObjectStorage, ttlSeconds: number): MediaUrlSigner {
  return {
    sign: (key, o = {}) =>
      storage.signedUrl(key, {
        expiresInSeconds: ttlSeconds,
        ...(o.contentType ? { contentType: o.contentType } : {}),
        ...(o.fileName ? { fileName: o.fileName } : {}),
      }),
  };
}

/** The stored keys of one media object, as media_objects holds them. */
export interface SignableMedia {
  storageKey: string;
  thumbnailKey: string | null;
  previewKey: string | null;
  mimeType: string;
  name: string | null;
}

export interface SignedMediaUrls {
  url: string;
  thumbnail_url: string | null;
  preview_url: string | null;
}

export async function signMediaUrls(signer: MediaUrlSigner, m: SignableMedia): Promise<SignedMediaUrls> {
  const rendition = (key: string | null) => (key ? signer.sign(key, { contentType: 'image/webp' }) : null);
  const [url, thumbnail_url, preview_url] = await Promise.all([
    signer.sign(m.storageKey, { contentType: m.mimeType, fileName: m.name }),
    rendition(m.thumbnailKey),
    rendition(m.previewKey),
  ]);
  return { url, thumbnail_url, preview_url };
}

let installed: MediaUrlSigner | undefined;

/**
 * The signer of the running app, for code that turns rows into API objects far from any
 * request (message lists, socket payloads, jobs). Installed by the media feature at start-up;
 * one app per process, so the last started app's storage signs.
 */
export function installMediaUrlSigner(signer: MediaUrlSigner): void {
  installed = signer;
}

export const installedMediaUrlSigner = (): MediaUrlSigner | undefined => installed;
