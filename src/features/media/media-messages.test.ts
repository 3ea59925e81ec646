import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation } from '../../../test/helpers/factories.js';
import * as make from '../../../test/media/fixtures.js';
import { fetchSigned, uploadOne, type Attachment } from '../../../test/media/upload.js';

describe('uploads attached to messages', () => {
  let t: TestApp;
  let admin: string;
  let conversationId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json()
      .tenant_id;
    conversationId = (await createConversation(t.deps.database.db, tenantId)).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const send = (payload: Record<string, unknown>) =>
    t.request({ method: 'POST', url: '/api/v1/messages', token: admin, payload });

  it('shows the attachment on the message with signed URLs that serve the file', async () => {
    const png = await make.image('png', 640, 480);
    const upload = await uploadOne(t, admin, 'image', { name: 'receipt.png', data: png });
    const res = await send({ conversation_id: conversationId, attachment_ids: [upload.id] });
    expect(res.statusCode, res.body).toBe(201);
    const [attachment] = res.json<{ attachments: Attachment[] }>().attachments;
    expect(attachment).toMatchObject({
      kind: 'image',
      mime_type: 'image/png',
      name: 'receipt.png',
      size: png.length,
      width: 640,
      height: 480,
    });
    expect((await fetchSigned(t, attachment!.url)).rawPayload.equals(png)).toBe(true);
    expect((await fetchSigned(t, attachment!.thumbnail_url!)).headers['content-type']).toBe('image/webp');
    expect((await fetchSigned(t, attachment!.preview_url!)).statusCode).toBe(200);
    const media = await t.request({ method: 'GET', url: `/api/v1/media/${upload.id}`, token: admin });
    expect(media.json().attached).toBe(true);
  });

  it('gives the attachment the uploaded media’s id, which GET /media/:id answers', async () => {
    const upload = await uploadOne(t, admin, 'document', { name: 'quote.pdf', data: make.pdf() });
    const sent = await send({ conversation_id: conversationId, attachment_ids: [upload.id] });
    expect(sent.json<{ attachments: Attachment[] }>().attachments.map((a) => a.id)).toEqual([upload.id]);
    const read = await t.request({ method: 'GET', url: `/api/v1/messages/${sent.json().id}`, token: admin });
    const [attachment] = read.json<{ attachments: Attachment[] }>().attachments;
    const media = await t.request({ method: 'GET', url: `/api/v1/media/${attachment!.id}`, token: admin });
    expect(media.statusCode, media.body).toBe(200);
    expect(media.json()).toMatchObject({ id: upload.id, name: 'quote.pdf', attached: true });
  });

  it('keeps the attachment on the message, without a URL, once its file is deleted', async () => {
    const upload = await uploadOne(t, admin, 'document', { name: 'offer.pdf', data: make.pdf() });
    const sent = await send({ conversation_id: conversationId, attachment_ids: [upload.id] });
    await t.request({ method: 'DELETE', url: `/api/v1/media/${upload.id}`, token: admin });
    const res = await t.request({ method: 'GET', url: `/api/v1/messages/${sent.json().id}`, token: admin });
    expect(res.json().attachments).toMatchObject([{ name: 'offer.pdf', url: null, thumbnail_url: null }]);
  });
});
