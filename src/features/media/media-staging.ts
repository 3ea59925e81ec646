import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { parseFile } from 'music-metadata';
import { asError, tooLarge, unsupportedType } from './media-errors.js';
import {
  candidateFor,
  OOXML,
  sanitizeFileName,
  type ByteLimits,
  type Candidate,
  type UploadKind,
} from './media-types.js';

/** An accepted upload, complete on local disk, not yet stored anywhere. */
export interface StagedFile {
  path: string;
  name: string;
  kind: UploadKind;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface StageOptions {
  allowed: readonly UploadKind[];
  limits: ByteLimits;
  /** Folder of the temporary files (on disk, never tmpfs: a video must not sit in memory). */
  tmpDir: string;
}

/** Bytes file-type looks at (its own default sample size). */
const SAMPLE_BYTES = 4100;

const write = (out: WriteStream, chunk: Buffer) =>
  new Promise<void>((resolve, reject) => out.write(chunk, (err) => (err ? reject(err) : resolve())));
const close = (out: WriteStream) =>
  new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });

/**
 * Streams one upload to a temporary file while deciding what it is: the type comes from the
 * first bytes (file-type), the size limit from that type, the checksum from every byte. A
 * rejected upload keeps being read to its end and thrown away, so the client always gets an
 * answer (never a reset connection), and nothing of it stays on disk.
 */
export async function stageUpload(source: Readable, rawName: string | undefined, o: StageOptions) {
  const name = sanitizeFileName(rawName);
  const file = path.join(o.tmpDir, `upload-${randomUUID()}`);
  const hash = createHash('sha256');
  let sample: Buffer[] = [];
  let sampled = 0;
  let size = 0;
  let candidate: Candidate | undefined;
  let limit = Infinity;
  let out: WriteStream | undefined;
  let text: TextDecoder | undefined;
  let failure: Error | undefined;

  const accept = async (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) throw tooLarge(candidate!.kind, limit);
    hash.update(chunk);
    if (text) {
      if (chunk.includes(0)) throw unsupportedType(name, 'it is not a text file');
      text.decode(chunk, { stream: true });
    }
    await write(out!, chunk);
  };

  const decide = async (head: Buffer) => {
    candidate = candidateFor((await fileTypeFromBuffer(head))?.mime, name, o.allowed);
    if (!candidate) throw unsupportedType(name);
    limit = o.limits[candidate.kind];
    if (candidate.refine === 'text') text = new TextDecoder('utf-8', { fatal: true });
    out = createWriteStream(file, { flags: 'wx' });
    // A disk error also reaches the pending write's callback; this keeps it from crashing the process.
    out.on('error', (err) => (failure ??= err));
    await accept(head);
  };

  const handle = async (chunk: Buffer) => {
    if (failure) return;
    try {
      if (candidate) return await accept(chunk);
      sample.push(chunk);
      sampled += chunk.length;
      if (sampled >= SAMPLE_BYTES) {
        const head = Buffer.concat(sample);
        sample = [];
        await decide(head);
      }
    } catch (err) {
      failure = asError(mapDecodeError(err, name));
    }
  };

  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => void handle(chunk).then(() => done()),
    final: (done) =>
      void (async () => {
        if (!failure && !candidate) await decideRest();
        if (!failure && text) {
          try {
            text.decode();
          } catch (err) {
            failure = asError(mapDecodeError(err, name));
          }
        }
        if (out) await close(out).catch((err: unknown) => (failure ??= asError(err)));
      })().then(() => done()),
  });
  // A short upload ends before the sample is full: decide on what there is.
  const decideRest = async () => {
    if (candidate) return;
    try {
      if (sampled === 0) throw unsupportedType(name, 'it is empty');
      await decide(Buffer.concat(sample));
    } catch (err) {
      failure = asError(mapDecodeError(err, name));
    }
  };

  await new Promise<void>((resolve, reject) => {
    source.once('error', reject);
    source.once('close', () => {
      if (!source.readableEnded) reject(new Error('upload stream closed before its end'));
    });
    sink.once('finish', resolve);
    source.pipe(sink);
  }).catch((err: unknown) => (failure ??= asError(err)));

  try {
    if (failure) throw failure;
    const staged: StagedFile = {
      path: file,
      name,
      kind: candidate!.kind,
      mimeType: candidate!.mimeType,
      size,
      sha256: hash.digest('hex'),
    };
    const refined = await refine(staged, candidate!, o.allowed);
    if (refined.size > o.limits[refined.kind]) throw tooLarge(refined.kind, o.limits[refined.kind]);
    return { ...refined, name: sanitizeFileName(rawName, refined.mimeType) };
  } catch (err) {
    out?.destroy();
    await rm(file, { force: true });
    throw err;
  }
}

/** An invalid UTF-8 sequence in a .txt/.csv means it is not a text file. */
function mapDecodeError(err: unknown, name: string): unknown {
  return err instanceof TypeError && /decode|encoded data/i.test(err.message)
    ? unsupportedType(name, 'it is not a text file')
    : err;
}

/** The checks that need the whole file (see Candidate.refine). */
async function refine(staged: StagedFile, candidate: Candidate, allowed: readonly UploadKind[]) {
  if (candidate.refine === 'ooxml') {
    const full = (await fileTypeFromFile(staged.path))?.mime;
    if (!full || !OOXML.has(full)) throw unsupportedType(staged.name);
    return { ...staged, mimeType: full };
  }
  if (candidate.refine === 'webm') {
    const hasVideo = await parseFile(staged.path, { duration: false, skipCovers: true }).then(
      (m) => m.format.hasVideo === true,
      () => true,
    );
    const kind: UploadKind = hasVideo ? 'video' : 'audio';
    if (!allowed.includes(kind)) throw unsupportedType(staged.name, `it is ${kind}, not ${candidate.kind}`);
    return { ...staged, kind, mimeType: `${kind}/webm` };
  }
  return staged;
}

export const discardStaged = (files: readonly StagedFile[]) =>
  Promise.all(files.map((f) => rm(f.path, { force: true })));
