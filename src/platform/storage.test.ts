import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server } from '../../test/media/s3-server.js';
import { mediaFileRoutes } from '../features/media/media-file.routes.js';
import { registerErrorHandler } from '../http/error-handler.js';
import type { ObjectStorage } from './storage.js';
import { createLocalStorage, type LocalObjectStorage } from './storage.local.js';
import { createS3Storage } from './storage.s3.js';

interface Harness {
  storage: ObjectStorage;
  close(): Promise<void>;
}

/** Local disk, its signed URLs served over real HTTP by the app's own file route. */
async function localHarness(): Promise<Harness & { storage: LocalObjectStorage }> {
  const root = mkdtempSync(path.join(tmpdir(), 'apice-files-'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const storage = createLocalStorage({
    root,
    publicUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secret: randomBytes(32),
  });
  const app = Fastify({ serverFactory: (handler) => server.on('request', handler) });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  await app.register(mediaFileRoutes(storage), { prefix: '/api/v1' });
  await app.ready();
  return {
    storage,
    async close() {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A real S3-compatible server (s3rver) through the AWS SDK. It must start: no skipping in CI or anywhere. */
async function s3Harness(): Promise<Harness> {
  const server = await startS3Server();
  const storage = createS3Storage(server.options);
  return {
    storage,
    async close() {
      await storage.close();
      await server.close();
    },
  };
}

const text = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
let n = 0;
const newKey = () => `media/contract/${Date.now()}-${++n}/original`;

describe.each([
  ['local disk', localHarness],
  ['S3-compatible (s3rver)', s3Harness],
])('ObjectStorage contract: %s', (_name, start) => {
  let h: Harness;
  let s: ObjectStorage;
  beforeAll(async () => {
    h = await start();
    s = h.storage;
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores a buffer and reads it back, with its size', async () => {
    const key = newKey();
    await s.put(key, { body: Buffer.from('hello world'), size: 11, contentType: 'text/plain' });
    const read = await s.read(key);
    expect(read?.size).toBe(11);
    expect(await text(read!.body)).toBe('hello world');
    expect(await s.stat(key)).toEqual({ size: 11 });
  });

  it('stores a stream of known size without buffering it first', async () => {
    const key = newKey();
    const parts = ['one ', 'two ', 'three'];
    await s.put(key, {
      body: Readable.from(parts.map((p) => Buffer.from(p))),
      size: 13,
      contentType: 'text/plain',
    });
    expect(await text((await s.read(key))!.body)).toBe('one two three');
  });

  it('replaces an object put again under the same key', async () => {
    const key = newKey();
    await s.put(key, { body: Buffer.from('first'), size: 5, contentType: 'text/plain' });
    await s.put(key, { body: Buffer.from('second'), size: 6, contentType: 'text/plain' });
    expect(await text((await s.read(key))!.body)).toBe('second');
  });

  it('reads an inclusive byte range and reports the whole size', async () => {
    const key = newKey();
    await s.put(key, { body: Buffer.from('0123456789'), size: 10, contentType: 'text/plain' });
    const read = await s.read(key, { start: 2, end: 5 });
    expect(read?.size).toBe(10);
    expect(await text(read!.body)).toBe('2345');
  });

  it('answers undefined for an object that does not exist', async () => {
    expect(await s.read(newKey())).toBeUndefined();
    expect(await s.stat(newKey())).toBeUndefined();
  });

  it('deletes objects and ignores keys that do not exist', async () => {
    const [a, b] = [newKey(), newKey()];
    await s.put(a, { body: Buffer.from('a'), size: 1, contentType: 'text/plain' });
    await s.put(b, { body: Buffer.from('b'), size: 1, contentType: 'text/plain' });
    await s.delete([a, b, newKey()]);
    expect(await s.stat(a)).toBeUndefined();
    expect(await s.stat(b)).toBeUndefined();
  });

  it('refuses keys that could escape their folder', async () => {
    for (const key of ['../etc/passwd', '/abs/key', 'a//b', 'a/../b', 'a/./b', 'with space']) {
      await expect(
        s.put(key, { body: Buffer.from('x'), size: 1, contentType: 'text/plain' }),
        key,
      ).rejects.toThrow(/invalid storage key/);
    }
  });

  it('signs an absolute URL that a browser fetches without credentials', async () => {
    const key = newKey();
    await s.put(key, { body: Buffer.from('%PDF-1.4 tiny'), size: 13, contentType: 'application/pdf' });
    const url = await s.signedUrl(key, {
      expiresInSeconds: 60,
      contentType: 'application/pdf',
      fileName: 'Offer ü.pdf',
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''Offer%20%C3%BC.pdf");
    expect(await res.text()).toBe('%PDF-1.4 tiny');
  });

  it('refuses a signed URL once it has expired', async () => {
    const key = newKey();
    await s.put(key, { body: Buffer.from('secret'), size: 6, contentType: 'text/plain' });
    const url = await s.signedUrl(key, { expiresInSeconds: 60, now: new Date(Date.now() - 3_600_000) });
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('secret');
  });
});

// s3rver does not verify SigV4 signatures (real S3, MinIO, R2 do), so tampering is checked where
// the signature is ours: the local driver.
describe('local disk signed URLs', () => {
  let h: Awaited<ReturnType<typeof localHarness>>;
  let key: string;
  let url: string;
  beforeAll(async () => {
    h = await localHarness();
    key = newKey();
    await h.storage.put(key, { body: Buffer.from('0123456789'), size: 10, contentType: 'text/plain' });
    url = await h.storage.signedUrl(key, { expiresInSeconds: 60, contentType: 'text/plain' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a URL whose payload or signature was changed', async () => {
    const [payload, signature] = new URL(url).searchParams.get('token')!.split('.');
    const other = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), k: 'media/other' }),
    ).toString('base64url');
    const forged = url.replace(payload!, other);
    const badSignature = url.replace(signature!, `${signature!.slice(0, -2)}AA`);
    for (const tampered of [forged, badSignature, `${url}x`]) {
      expect((await fetch(tampered)).status, tampered).toBe(403);
    }
  });

  it('answers 404 once the object is gone', async () => {
    const gone = newKey();
    await h.storage.put(gone, { body: Buffer.from('x'), size: 1, contentType: 'text/plain' });
    const goneUrl = await h.storage.signedUrl(gone, { expiresInSeconds: 60 });
    await h.storage.delete([gone]);
    expect((await fetch(goneUrl)).status).toBe(404);
  });

  it('serves a byte range with 206 for audio and video seeking', async () => {
    const res = await fetch(url, { headers: { range: 'bytes=3-6' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 3-6/10');
    expect(await res.text()).toBe('3456');
    expect((await fetch(url, { headers: { range: 'bytes=20-' } })).status).toBe(416);
  });

  it('gives the same URL for the same object within a short window, so browsers can cache it', async () => {
    const now = new Date('2026-01-01T10:00:10Z');
    const later = new Date('2026-01-01T10:00:50Z');
    const a = await h.storage.signedUrl(key, { expiresInSeconds: 3600, now });
    expect(await h.storage.signedUrl(key, { expiresInSeconds: 3600, now: later })).toBe(a);
  });
});
