import path from 'node:path';
import type { mediaKinds } from './media.table.js';

export type MediaKind = (typeof mediaKinds)[number];
/** What an upload endpoint may accept; stickers only arrive from WhatsApp. */
export type UploadKind = Exclude<MediaKind, 'sticker'>;
export const UPLOAD_KINDS: readonly UploadKind[] = ['image', 'video', 'audio', 'document'];

export type ByteLimits = Record<UploadKind, number>;

/** Byte-detected type (file-type's MIME) -> the type we store, per kind. */
const IMAGE: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};
const VIDEO: Record<string, string> = {
  'video/mp4': 'video/mp4',
  'video/mpeg': 'video/mpeg',
  'video/MP1S': 'video/mpeg',
  'video/MP2P': 'video/mpeg',
  'video/quicktime': 'video/quicktime',
  'video/webm': 'video/webm',
  'video/3gpp': 'video/3gpp',
};
const AUDIO: Record<string, string> = {
  'audio/mpeg': 'audio/mpeg',
  'audio/wav': 'audio/wav',
  'audio/ogg': 'audio/ogg',
  // WhatsApp voice notes; stored as audio/ogg, the type Meta expects when they are sent back.
  'audio/ogg; codecs=opus': 'audio/ogg',
  'audio/aac': 'audio/aac',
  'audio/amr': 'audio/amr',
  'audio/mp4': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
};
export const OOXML = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
/** Legacy Office files share one container (OLE2/CFB); the bytes prove the container, the name picks the type. */
const LEGACY_OFFICE: Record<string, string> = {
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
};
/** Plain text has no magic bytes: accepted by name when the bytes are valid UTF-8 without NULs. */
const TEXT: Record<string, string> = { '.txt': 'text/plain', '.csv': 'text/csv' };

/**
 * What the first bytes say an upload is. `refine` names the check that needs the whole file:
 * `ooxml` (a ZIP must be a Word/Excel/PowerPoint document), `webm` (audio-only WebM is audio),
 * `text` (every byte must be UTF-8 text).
 */
export interface Candidate {
  kind: UploadKind;
  mimeType: string;
  refine?: 'ooxml' | 'webm' | 'text';
}

const extensionOf = (name: string) => path.extname(name).toLowerCase();

/** The candidate for bytes detected as `detected` (undefined: no known signature), or undefined (415). */
export function candidateFor(
  detected: string | undefined,
  name: string,
  allowed: readonly UploadKind[],
): Candidate | undefined {
  const can = (kind: UploadKind) => allowed.includes(kind);
  const ext = extensionOf(name);
  if (detected === undefined) {
    return can('document') && TEXT[ext]
      ? { kind: 'document', mimeType: TEXT[ext], refine: 'text' }
      : undefined;
  }
  if (detected === 'video/webm') {
    if (can('video')) return { kind: 'video', mimeType: 'video/webm', refine: 'webm' };
    return can('audio') ? { kind: 'audio', mimeType: 'audio/webm', refine: 'webm' } : undefined;
  }
  if (IMAGE[detected] && can('image')) return { kind: 'image', mimeType: IMAGE[detected] };
  if (VIDEO[detected] && can('video')) return { kind: 'video', mimeType: VIDEO[detected] };
  if (AUDIO[detected] && can('audio')) return { kind: 'audio', mimeType: AUDIO[detected] };
  if (!can('document')) return undefined;
  if (detected === 'application/pdf') return { kind: 'document', mimeType: detected };
  if (OOXML.has(detected)) return { kind: 'document', mimeType: detected };
  // A ZIP sample may not reach the entry that tells a .docx from any archive.
  if (detected === 'application/zip') return { kind: 'document', mimeType: detected, refine: 'ooxml' };
  if (detected === 'application/x-cfb' && LEGACY_OFFICE[ext]) {
    return { kind: 'document', mimeType: LEGACY_OFFICE[ext] };
  }
  return undefined;
}

/** File extension of a stored type, for names that lost theirs. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'audio/webm': '.webm',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'audio/ogg': '.ogg',
  'application/pdf': '.pdf',
};

const MAX_NAME_LENGTH = 200;

/**
 * A display name that is safe anywhere it is shown or used as a download name: no folders
 * (`../`, `C:\`), no control or bidi-override characters, no characters Windows forbids, no
 * leading dots, at most 200 characters (the extension kept).
 */
export function sanitizeFileName(raw: string | undefined, mimeType?: string): string {
  const base = (raw ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[\t\n\r\v\f]/g, ' ')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .replace(/\s+/g, ' ');
  const fallback = `file${(mimeType && EXTENSIONS[mimeType]) ?? ''}`;
  if (!cleaned) return fallback;
  if ([...cleaned].length <= MAX_NAME_LENGTH) return cleaned;
  const ext = extensionOf(cleaned);
  const keep = ext.length > 0 && ext.length <= 10 ? ext : '';
  return [...cleaned].slice(0, MAX_NAME_LENGTH - keep.length).join('') + keep;
}
