import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import {
  assertValidKey,
  signingTime,
  type ByteRange,
  type ObjectRead,
  type ObjectStorage,
  type PutObject,
  type SignedUrlOptions,
} from './storage.js';

export interface LocalStorageOptions {
  /** Directory of the objects (DATA_DIR/files). */
  root: string;
  /** Absolute base URL of this server (PUBLIC_URL). */
  publicUrl: string;
  /** HMAC key of the signed URLs; at least 32 bytes. */
  secret: Buffer;
  /** Path of the route that serves signed URLs; default /api/v1/media/file. */
  routePath?: string;
}

/** What a valid signed URL grants: one object, served with this type and name. */
export interface SignedTarget {
  key: string;
  contentType: string | undefined;
  fileName: string | undefined;
  expiresAt: Date;
}

export type VerifyResult = { ok: true; target: SignedTarget } | { ok: false; reason: 'invalid' | 'expired' };

export interface LocalObjectStorage extends ObjectStorage {
  readonly driver: 'local';
  /** Checks the `token` query parameter of a signed URL. */
  verify(token: string, now?: Date): VerifyResult;
}

export const DEFAULT_FILE_ROUTE = '/api/v1/media/file';

const payloadSchema = z.object({
  k: z.string(),
  x: z.number().int(),
  t: z.string().optional(),
  n: z.string().optional(),
});

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Objects as files under `root`, served by the app itself through URLs signed with an HMAC
 * (`<route>?token=<payload>.<signature>`): the payload names the key, the expiry, the type and the file
 * name, so none of them can be changed without breaking the signature.
 */
export function createLocalStorage(options: LocalStorageOptions): LocalObjectStorage {
  if (options.secret.length < 32) throw new Error('local storage: the signing secret needs 32 bytes');
  const root = path.resolve(options.root);
  const base = `${options.publicUrl.replace(/\/$/, '')}${options.routePath ?? DEFAULT_FILE_ROUTE}`;
  const sign = (payload: string) => createHmac('sha256', options.secret).update(payload).digest();

  const fileOf = (key: string) => {
    assertValidKey(key);
    return path.join(root, ...key.split('/'));
  };

  /** Empty folders left by deletes are removed up to the root. */
  async function pruneFolders(file: string): Promise<void> {
    let dir = path.dirname(file);
    while (dir.startsWith(root + path.sep)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
      dir = path.dirname(dir);
    }
  }

  return {
    driver: 'local',

    async put(key, object: PutObject) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed: a reader never sees half a file, a failure leaves nothing.
      const partial = `${file}.${randomBytes(6).toString('hex')}.part`;
      try {
        if (Buffer.isBuffer(object.body)) await writeFile(partial, object.body, { flag: 'wx' });
        else await pipeline(object.body, createWriteStream(partial, { flags: 'wx' }));
        const handle = await open(partial);
        const { size } = await handle.stat().finally(() => handle.close());
        if (size !== object.size)
          throw new Error(`storage put ${key}: got ${size} bytes, expected ${object.size}`);
        await rename(partial, file);
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
    },

    async read(key, range?: ByteRange): Promise<ObjectRead | undefined> {
      let handle;
      try {
        handle = await open(fileOf(key));
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      try {
        const { size } = await handle.stat();
        const body: Readable = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
        return { body, size };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    async stat(key) {
      try {
        const handle = await open(fileOf(key));
        const { size } = await handle.stat().finally(() => handle.close());
        return { size };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },

    async delete(keys) {
      for (const key of keys) {
        const file = fileOf(key);
        await rm(file, { force: true });
        await pruneFolders(file);
      }
    },

    async signedUrl(key, o: SignedUrlOptions) {
      assertValidKey(key);
      const expiresAt = signingTime(o.expiresInSeconds, o.now).getTime() + o.expiresInSeconds * 1000;
      const payload = Buffer.from(
        JSON.stringify({ k: key, x: expiresAt, t: o.contentType, n: o.fileName }),
      ).toString('base64url');
      // In the query: Fastify caps path parameters at 100 characters, and a token is longer.
      return `${base}?token=${payload}.${sign(payload).toString('base64url')}`;
    },

    verify(token, now = new Date()) {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'invalid' };
      // Compared as text: base64 has several spellings of the same bytes, a signed URL has one.
      const given = Buffer.from(signature);
      const expected = Buffer.from(sign(payload).toString('base64url'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'invalid' };
      }
      let parsed;
      try {
        parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (!parsed.success) return { ok: false, reason: 'invalid' };
      const { k, x, t, n } = parsed.data;
      if (x <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, target: { key: k, contentType: t, fileName: n, expiresAt: new Date(x) } };
    },

    async close() {
      // Nothing is held open between calls.
    },
  };
}

export const isLocalStorage = (storage: ObjectStorage): storage is LocalObjectStorage =>
  storage.driver === 'local' && 'verify' in storage;
