import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import * as make from '../../../test/media/fixtures.js';
import { startS3Server, type TestS3Server } from '../../../test/media/s3-server.js';
import { uploadOne } from '../../../test/media/upload.js';
import { mediaKeys } from './media.service.js';

describe('uploads on an S3-compatible store (s3rver over HTTP)', () => {
  let s3: TestS3Server;
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    s3 = await startS3Server();
    t = await createTestApp(s3.env);
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
  });

  it('stores the file and its renditions in the bucket, behind presigned URLs', async () => {
    const png = await make.image('png', 400, 200);
    const a = await uploadOne(t, admin, 'image', { name: 'photo.png', data: png });
    expect(a.url.startsWith(`${s3.options.endpoint}/${s3.options.bucket}/media/`)).toBe(true);
    expect(a.url).toContain('X-Amz-Signature=');
    const file = await fetch(a.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(a.thumbnail_url!)).headers.get('content-type')).toBe('image/webp');
  });

  it('removes the objects from the bucket on delete', async () => {
    const a = await uploadOne(t, admin, 'document', { name: 'offer.pdf', data: make.pdf() });
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin });
    const key = mediaKeys(me.json().tenant_id, a.id).original;
    expect(await t.deps.storage.stat(key)).toEqual({ size: make.pdf().length });
    const res = await t.request({ method: 'DELETE', url: `/api/v1/media/${a.id}`, token: admin });
    expect(res.statusCode).toBe(204);
    expect(await t.deps.storage.stat(key)).toBeUndefined();
  });
});
