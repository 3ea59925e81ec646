import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import * as make from '../../../test/media/fixtures.js';
import { filesUnder, upload } from '../../../test/media/upload.js';

function chunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid 1-bit grey PNG of side x side pixels, all black: tiny on disk, gigabytes once decoded. */
function pngBomb(side: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filter, no interlace
  const row = 1 + Math.ceil(side / 8);
  const raw = Buffer.alloc(row * side);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decompression bombs', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_IMAGE_PIXELS: '1000000' });
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a 16383x16383 PNG from its header with 413 and stores nothing', async () => {
    const bomb = pngBomb(16383);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = filesUnder(t.config.dataDir).length;
    const res = await upload(t, admin, 'image', [{ name: 'bomb.png', data: bomb, type: 'image/png' }]);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      detail: expect.stringContaining('16383x16383'),
    });
    // Staged upload and renditions are gone again.
    expect(filesUnder(t.config.dataDir).length).toBe(before);
  });

  it('applies UPLOAD_MAX_IMAGE_PIXELS exactly: at the limit accepted, one row over refused', async () => {
    const ok = await upload(t, admin, 'image', [
      { name: 'ok.png', data: await make.image('png', 1000, 1000), type: 'image/png' },
    ]);
    expect(ok.statusCode).toBe(201);
    const over = await upload(t, admin, 'image', [
      { name: 'over.png', data: await make.image('png', 1000, 1001), type: 'image/png' },
    ]);
    expect(over.statusCode).toBe(413);
  });
});
