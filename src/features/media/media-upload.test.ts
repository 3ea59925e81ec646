import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import * as make from '../../../test/media/fixtures.js';
import { fetchSigned, upload, uploadOne, type Attachment } from '../../../test/media/upload.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('uploads of each kind, end to end over HTTP', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a PNG with its size, checksum, dimensions and signed URLs', async () => {
    const png = await make.image('png', 64, 32);
    const res = await upload(t, admin, 'image', [{ name: 'chart.png', data: png, type: 'image/png' }]);
    expect(res.statusCode).toBe(201);
    const a = res.json<Attachment>();
    expect(a).toMatchObject({
      kind: 'image',
      mime_type: 'image/png',
      name: 'chart.png',
      size: png.length,
      width: 64,
      height: 32,
      duration_ms: null,
      sha256: sha256(png),
      attached: false,
    });
    for (const url of [a.url, a.thumbnail_url, a.preview_url])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:3000\//);
    const file = await fetchSigned(t, a.url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.rawPayload.equals(png)).toBe(true);
  });

  it('makes a WebP thumbnail and preview that fit 320 and 1280 pixels', async () => {
    const a = await uploadOne(t, admin, 'image', {
      name: 'wide.jpg',
      data: await make.image('jpeg', 2000, 1000),
    });
    const thumb = await sharp((await fetchSigned(t, a.thumbnail_url!)).rawPayload).metadata();
    const preview = await sharp((await fetchSigned(t, a.preview_url!)).rawPayload).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 320, 160]);
    expect([preview.format, preview.width, preview.height]).toEqual(['webp', 1280, 640]);
  });

  it('applies the EXIF orientation to dimensions and renditions and strips the metadata', async () => {
    // Stored 64x32, orientation 6: shown rotated a quarter turn, 32 wide and 64 high.
    const jpeg = await make.image('jpeg', 64, 32, { orientation: 6 });
    const a = await uploadOne(t, admin, 'image', { name: 'phone.jpg', data: jpeg });
    expect([a.width, a.height]).toEqual([32, 64]);
    const thumb = await sharp((await fetchSigned(t, a.thumbnail_url!)).rawPayload).metadata();
    expect([thumb.width, thumb.height]).toEqual([32, 64]);
    expect(thumb.exif).toBeUndefined();
    expect(thumb.orientation).toBeUndefined();
  });

  it('accepts GIF and WebP images', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const a = await uploadOne(t, admin, 'image', { name: `x.${format}`, data: await make.image(format) });
      expect(a.mime_type).toBe(`image/${format}`);
    }
  });

  it('reads the duration of a WAV recording', async () => {
    const a = await uploadOne(t, admin, 'audio', { name: 'note.wav', data: make.wav(500) });
    expect(a).toMatchObject({ kind: 'audio', mime_type: 'audio/wav', duration_ms: 500, thumbnail_url: null });
  });

  it('takes an audio-only WebM as audio', async () => {
    const a = await uploadOne(t, admin, 'audio', { name: 'voice.webm', data: make.webm(1200, 'audio') });
    expect(a).toMatchObject({ kind: 'audio', mime_type: 'audio/webm', duration_ms: 1200 });
  });

  it('stores a WebM video with its duration; no thumbnail without a decodable frame', async () => {
    const a = await uploadOne(t, admin, 'video', { name: 'clip.webm', data: make.webm(2500) });
    expect(a).toMatchObject({ kind: 'video', mime_type: 'video/webm', duration_ms: 2500 });
    // The fixture has no frames: with or without ffmpeg the upload succeeds, just without a thumbnail.
    expect(a.thumbnail_url).toBeNull();
  });

  it('recognises an MP4 container by its bytes', async () => {
    const a = await uploadOne(t, admin, 'video', { name: 'clip.mp4', data: make.mp4(1500) });
    expect(a).toMatchObject({ kind: 'video', mime_type: 'video/mp4', thumbnail_url: null });
  });

  it.each([
    ['offer.pdf', 'application/pdf', make.pdf()],
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', make.docx()],
    ['old.xls', 'application/vnd.ms-excel', make.cfb()],
    ['old.doc', 'application/msword', make.cfb()],
    ['notes.txt', 'text/plain', Buffer.from('Grüße, olá, 你好\n')],
    ['orders.csv', 'text/csv', Buffer.from('id,total\n1,9.90\n')],
  ])('accepts the document %s as %s', async (name, mime, data) => {
    const a = await uploadOne(t, admin, 'document', { name, data });
    expect(a).toMatchObject({ kind: 'document', mime_type: mime, name, size: data.length });
    expect((await fetchSigned(t, a.url)).rawPayload.equals(data)).toBe(true);
  });

  it('decides the kind from the bytes on /upload/single', async () => {
    const image = await uploadOne(t, admin, 'single', { name: 'photo', data: await make.image('png') });
    const audio = await uploadOne(t, admin, 'single', { name: 'b.bin', data: make.wav(100) });
    expect([image.kind, image.mime_type]).toEqual(['image', 'image/png']);
    expect([audio.kind, audio.mime_type]).toEqual(['audio', 'audio/wav']);
  });

  it('uploads several files at once and answers {data: [attachment]}', async () => {
    const res = await upload(t, admin, 'multiple', [
      { name: 'a.png', data: await make.image('png') },
      { name: 'b.pdf', data: make.pdf() },
      { name: 'c.wav', data: make.wav(200) },
    ]);
    expect(res.statusCode).toBe(201);
    expect(res.json<{ data: Attachment[] }>().data.map((a) => a.kind)).toEqual([
      'image',
      'document',
      'audio',
    ]);
  });

  it('returns the metadata object, not the bytes, on GET /media/:id', async () => {
    const a = await uploadOne(t, admin, 'document', { name: 'offer.pdf', data: make.pdf() });
    const res = await t.request({ method: 'GET', url: `/api/v1/media/${a.id}`, token: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toMatchObject({ id: a.id, kind: 'document', name: 'offer.pdf', sha256: a.sha256 });
  });
});
