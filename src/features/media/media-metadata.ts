import { rm } from 'node:fs/promises';
import { parseFile } from 'music-metadata';
import sharp from 'sharp';
import { AppError } from '../../http/errors.js';
import { tooManyPixels, unsupportedType } from './media-errors.js';
import type { StagedFile } from './media-staging.js';
import { extractFrame, probe, type MediaTools } from './media-tools.js';

/** A rendition made from an upload (thumbnail or preview), on local disk next to it. */
export interface Rendition {
  path: string;
  size: number;
  contentType: 'image/webp';
}

export interface Described {
  width: number | null;
  height: number | null;
  durationMs: number | null;
  thumbnail: Rendition | null;
  preview: Rendition | null;
}

export const THUMBNAIL_PX = 320;
/** UPLOAD_MAX_IMAGE_PIXELS' default: 40 MP, more than any phone camera, far below a decompression bomb. */
export const DEFAULT_MAX_IMAGE_PIXELS = 40_000_000;

export interface DescribeOptions {
  /** Images (and video frames) with more pixels are refused before anything decodes them. */
  maxImagePixels?: number;
}
export const PREVIEW_PX = 1280;

const SUFFIXES = ['.thumb.webp', '.preview.webp', '.frame.png'] as const;
const aside = (staged: StagedFile, suffix: (typeof SUFFIXES)[number]) => `${staged.path}${suffix}`;

/** Removes the renditions and frames made next to staged files. */
export const discardRenditions = (files: readonly StagedFile[]) =>
  Promise.all(files.flatMap((f) => SUFFIXES.map((s) => rm(aside(f, s), { force: true }))));

/**
 * A WebP that fits a box, EXIF orientation applied (rotate()) and every metadata field (EXIF,
 * GPS, ICC) dropped, which sharp does unless asked to keep them.
 */
async function render(source: string, out: string, box: number, maxPixels: number): Promise<Rendition> {
  // limitInputPixels: sharp refuses to decode past the limit even if a header lied about the size.
  const info = await sharp(source, { limitInputPixels: maxPixels })
    .rotate()
    .resize({ width: box, height: box, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toFile(out);
  return { path: out, size: info.size, contentType: 'image/webp' };
}

/** Size as displayed (orientation applied) plus a thumbnail and a preview. */
async function describeImage(
  staged: StagedFile,
  maxPixels: number,
  source = staged.path,
): Promise<Described> {
  // metadata() reads the header only: the size is known before a single pixel is decoded.
  const meta = await sharp(source, { limitInputPixels: false }).metadata();
  const pixels = meta.width * meta.height * (meta.pages ?? 1);
  if (pixels > maxPixels) throw tooManyPixels(meta.width, meta.height, maxPixels);
  const [thumbnail, preview] = await Promise.all([
    render(source, aside(staged, '.thumb.webp'), THUMBNAIL_PX, maxPixels),
    render(source, aside(staged, '.preview.webp'), PREVIEW_PX, maxPixels),
  ]);
  return {
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    durationMs: null,
    thumbnail,
    preview,
  };
}

async function durationOf(file: string): Promise<number | null> {
  try {
    const { format } = await parseFile(file, { duration: true, skipCovers: true });
    return format.duration ? Math.round(format.duration * 1000) : null;
  } catch {
    return null;
  }
}

const none: Described = { width: null, height: null, durationMs: null, thumbnail: null, preview: null };

async function describeAudio(staged: StagedFile, tools: MediaTools): Promise<Described> {
  const durationMs =
    (await durationOf(staged.path)) ??
    (tools.ffprobe ? ((await probe(tools.ffprobe, staged.path)).durationMs ?? null) : null);
  return { ...none, durationMs };
}

/** ffprobe and ffmpeg improve videos when installed; without them only the duration is read. */
async function describeVideo(staged: StagedFile, tools: MediaTools, maxPixels: number): Promise<Described> {
  const probed = tools.ffprobe ? await probe(tools.ffprobe, staged.path) : {};
  if (probed.width && probed.height && probed.width * probed.height > maxPixels)
    throw tooManyPixels(probed.width, probed.height, maxPixels);
  const described: Described = {
    ...none,
    width: probed.width ?? null,
    height: probed.height ?? null,
    durationMs: probed.durationMs ?? (await durationOf(staged.path)),
  };
  const frame = aside(staged, '.frame.png');
  if (!tools.ffmpeg || !(await extractFrame(tools.ffmpeg, staged.path, frame))) return described;
  try {
    const stills = await describeImage(staged, maxPixels, frame);
    return {
      ...described,
      width: described.width ?? stills.width,
      height: described.height ?? stills.height,
      thumbnail: stills.thumbnail,
      preview: stills.preview,
    };
  } catch {
    return described;
  }
}

/** Dimensions, duration and renditions of a staged upload; an image that cannot be decoded is refused. */
export async function describeMedia(
  staged: StagedFile,
  tools: MediaTools,
  options: DescribeOptions = {},
): Promise<Described> {
  const maxPixels = options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  switch (staged.kind) {
    case 'image':
      try {
        return await describeImage(staged, maxPixels);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw unsupportedType(staged.name, 'it could not be read as an image');
      }
    case 'audio':
      return describeAudio(staged, tools);
    case 'video':
      return describeVideo(staged, tools, maxPixels);
    case 'document':
      return none;
  }
}
