import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import * as make from '../../../test/media/fixtures.js';
import { filesUnder, multipartBody, upload, uploadOne, type FilePart } from '../../../test/media/upload.js';
import { mediaObjects } from './media.table.js';

const MB = 1024 * 1024;

describe('upload validation: bytes decide, limits hold, nothing stored on rejection', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_IMAGE_MB: '1', UPLOAD_MAX_DOCUMENT_MB: '2' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const stored = async () => {
    const [row] = await t.deps.database.db.select({ n: count() }).from(mediaObjects);
    return {
      rows: row!.n,
      files: filesUnder(path.join(t.config.dataDir, 'files')).length,
      staging: filesUnder(path.join(t.config.dataDir, 'tmp')).length,
    };
  };

  /** Sends a request that must be refused and checks that it left nothing behind. */
  async function expectRefused(send: () => ReturnType<typeof upload>, status: number, code: string) {
    const before = await stored();
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe(code);
    expect(await stored()).toEqual({ ...before, staging: 0 });
    return res;
  }

  const refuse = (endpoint: string, files: FilePart[], status = 415, code = 'UNSUPPORTED_MEDIA_TYPE') =>
    expectRefused(() => upload(t, admin, endpoint, files), status, code);

  it('answers 415 for PNG bytes named .pdf on /upload/document, whatever the claimed type', async () => {
    await refuse('document', [
      { name: 'contract.pdf', data: await make.image('png'), type: 'application/pdf' },
    ]);
  });

  it('answers 415 for an executable named .jpg', async () => {
    await refuse('image', [{ name: 'holiday.jpg', data: make.exe(), type: 'image/jpeg' }]);
    await refuse('single', [{ name: 'holiday.jpg', data: make.exe(), type: 'image/jpeg' }]);
  });

  it('answers 415 for a real file of a kind the endpoint does not take', async () => {
    await refuse('video', [{ name: 'a.png', data: await make.image('png') }]);
    await refuse('image', [{ name: 'a.pdf', data: make.pdf() }]);
    await refuse('audio', [{ name: 'clip.webm', data: make.webm(1000, 'video') }]);
  });

  it('answers 415 for "text" that is binary, and for text under a name that is not .txt/.csv', async () => {
    await refuse('document', [{ name: 'notes.txt', data: Buffer.from('abc\u0000def') }]);
    await refuse('document', [{ name: 'notes.txt', data: Buffer.from([0x61, 0xff, 0xfe, 0x62]) }]);
    await refuse('document', [{ name: 'page.html', data: Buffer.from('<script>alert(1)</script>') }]);
  });

  it('answers 415 for a ZIP that is not an Office document and a compound file not named .doc/.xls/.ppt', async () => {
    await refuse('document', [{ name: 'report.docx', data: make.zip({ 'a.txt': 'hello' }) }]);
    await refuse('document', [{ name: 'installer.msi', data: make.cfb() }]);
  });

  it('answers 415 for an empty file', async () => {
    await refuse('single', [{ name: 'empty.txt', data: Buffer.alloc(0) }]);
  });

  it('answers 413 for an image over its limit and keeps no row, object or temporary file', async () => {
    const png = await make.image('png');
    const big = Buffer.concat([png, Buffer.alloc(MB + 1 - png.length, 1)]);
    const res = await refuse('image', [{ name: 'big.png', data: big }], 413, 'PAYLOAD_TOO_LARGE');
    expect(res.json().detail).toMatch(/1 MB/);
  });

  it('applies the limit of the detected kind on /upload/single', async () => {
    const text = Buffer.alloc(Math.round(1.5 * MB), 'a');
    // 1.5 MB of text is within the 2 MB document limit, although over the 1 MB image limit.
    expect((await uploadOne(t, admin, 'single', { name: 'big.txt', data: text })).kind).toBe('document');
    const png = await make.image('png');
    await refuse(
      'single',
      [{ name: 'x.png', data: Buffer.concat([png, Buffer.alloc(1.5 * MB)]) }],
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers 413 to a real HTTP client sending more than the limit, instead of dropping the connection', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const png = await make.image('png');
    const body = multipartBody(
      [{ name: 'huge.png', data: Buffer.concat([png, Buffer.alloc(6 * MB)]) }],
      'file',
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/upload/image`, {
      method: 'POST',
      headers: { ...body.headers, authorization: `Bearer ${admin}` },
      body: body.payload,
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for more than 10 files and stores none of them', async () => {
    const pdf = make.pdf();
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.pdf`, data: pdf }));
    await refuse('multiple', files, 400, 'VALIDATION_ERROR');
  });

  it('stores none of the files when one of several is refused', async () => {
    await refuse('multiple', [
      { name: 'ok.pdf', data: make.pdf() },
      { name: 'bad.jpg', data: make.exe() },
    ]);
  });

  it('answers 400 without a file, with two files on a single upload, and with unknown fields', async () => {
    const pdf = make.pdf();
    await refuse('document', [], 400, 'VALIDATION_ERROR');
    await refuse(
      'document',
      [
        { name: 'a.pdf', data: pdf },
        { name: 'b.pdf', data: pdf },
      ],
      400,
      'VALIDATION_ERROR',
    );
    await refuse('document', [{ name: 'a.pdf', data: pdf, field: 'attachment' }], 400, 'VALIDATION_ERROR');
    const res = await expectRefused(
      () => upload(t, admin, 'document', [{ name: 'a.pdf', data: pdf }], { caption: 'hi' }),
      400,
      'VALIDATION_ERROR',
    );
    expect(res.json().errors).toEqual([{ field: 'caption', message: 'Unknown field' }]);
  });

  it('answers 415 to a body that is not multipart', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/upload/single',
      token: admin,
      payload: { file: 'x' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it.each([
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['..\\..\\windows\\win.ini.txt', 'win.ini.txt'],
    ['C:\\Users\\me\\report.txt', 'report.txt'],
    ['in\u0000voice\u202Etxt.exe.txt', 'invoicetxt.exe.txt'],
    ['...hidden.txt', 'hidden.txt'],
    ['<bad>:name|?.txt', '_bad__name__.txt'],
  ])('sanitises the file name %j to %j and keeps it out of storage paths', async (raw, clean) => {
    const a = await uploadOne(t, admin, 'document', { name: raw, data: Buffer.from('hello') });
    expect(a.name).toBe(clean);
    for (const file of filesUnder(path.join(t.config.dataDir, 'files'))) {
      expect(file).toMatch(/^media\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/(original|thumbnail\.webp|preview\.webp)$/);
    }
  });

  it('shortens a very long name to 200 characters and keeps its extension', async () => {
    const a = await uploadOne(t, admin, 'document', {
      name: `${'n'.repeat(300)}.csv`,
      data: Buffer.from('a,b'),
    });
    expect(a.name).toHaveLength(200);
    expect(a.name.endsWith('.csv')).toBe(true);
  });
});
