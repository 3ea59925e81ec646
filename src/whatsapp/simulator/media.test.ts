import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNumber,
  createListeningApp,
  registerTenant,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { sampleMedia, type MediaKind } from './sample-media.js';

describe('simulator Graph: media', () => {
  let t: ListeningApp;
  let number: TestNumber;
  let jpeg: Buffer;
  beforeAll(async () => {
    t = await createListeningApp();
    number = await connectNumber(t);
    jpeg = (await sampleMedia('image')).bytes;
  });
  afterAll(async () => {
    await t.close();
  });

  const graph = (path: string, init: RequestInit = {}, token: string | null = number.access_token) =>
    fetch(`${t.url}/simulator/graph/v21.0/${path}`, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.headers as Record<string, string>),
      },
    });

  function form(fields: Record<string, string>, file?: { bytes: Buffer; type: string; name: string }) {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    if (file) body.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return body;
  }

  async function upload(
    fields: Record<string, string>,
    file?: { bytes: Buffer; type: string; name: string },
  ) {
    return graph(`${number.phone_number_id}/media`, { method: 'POST', body: form(fields, file) });
  }
  const photo = () => ({ bytes: jpeg, type: 'image/jpeg', name: 'photo.jpg' });
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: number; error_subcode?: number } }).error;

  it('uploads a file and answers {id}', async () => {
    const res = await upload({ messaging_product: 'whatsapp', type: 'image/jpeg' }, photo());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: expect.stringMatching(/^\d{15,16}$/) });
  });

  it("accepts Meta's own curl form: the MIME type only on the file part", async () => {
    const res = await upload({ messaging_product: 'whatsapp' }, photo());
    expect(res.status).toBe(200);
  });

  it("gives the media's metadata in Meta's shape and serves its bytes only with the token", async () => {
    const { id } = (await (
      await upload({ messaging_product: 'whatsapp', type: 'image/jpeg' }, photo())
    ).json()) as { id: string };
    const res = await graph(`${id}?phone_number_id=${number.phone_number_id}`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as { url: string };
    expect(meta).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringContaining('/simulator/lookaside/whatsapp_business/attachments/?mid='),
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(jpeg).digest('hex'),
      file_size: jpeg.length,
      id,
    });
    const download = await fetch(meta.url, { headers: { authorization: `Bearer ${number.access_token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer()).equals(jpeg)).toBe(true);

    const anonymous = await fetch(meta.url);
    expect(anonymous.status).toBe(401);
    expect((await errorOf(anonymous)).code).toBe(190);
    const tampered = await fetch(meta.url.replace(/hash=[^&]+/, 'hash=forged'), {
      headers: { authorization: `Bearer ${number.access_token}` },
    });
    expect(tampered.status).toBe(404);
  });

  it("refuses another tenant's token on metadata, download and delete", async () => {
    const other = await connectNumber(t, await registerTenant(t, 'Other'));
    const { id } = (await (await upload({ messaging_product: 'whatsapp' }, photo())).json()) as {
      id: string;
    };
    const meta = await graph(id, {}, other.access_token);
    expect(meta.status).toBe(400);
    expect(await errorOf(meta)).toMatchObject({ code: 100, error_subcode: 33 });
    const { url } = (await (await graph(id)).json()) as { url: string };
    expect((await fetch(url, { headers: { authorization: `Bearer ${other.access_token}` } })).status).toBe(
      401,
    );
    expect((await graph(id, { method: 'DELETE' }, other.access_token)).status).toBe(400);
  });

  it('refuses metadata for a phone_number_id the media does not belong to', async () => {
    const { id } = (await (await upload({ messaging_product: 'whatsapp' }, photo())).json()) as {
      id: string;
    };
    expect((await graph(`${id}?phone_number_id=1`)).status).toBe(400);
  });

  it('deletes media: {success: true}, then it is gone', async () => {
    const { id } = (await (await upload({ messaging_product: 'whatsapp' }, photo())).json()) as {
      id: string;
    };
    const res = await graph(id, { method: 'DELETE' });
    expect(await res.json()).toEqual({ success: true });
    expect((await errorOf(await graph(id))).code).toBe(100);
  });

  it.each<
    [string, Record<string, string>, { bytes: Buffer; type: string; name: string } | undefined, number]
  >([
    ['no messaging_product', {}, { bytes: Buffer.from('x'), type: 'image/jpeg', name: 'a.jpg' }, 100],
    ['no file', { messaging_product: 'whatsapp' }, undefined, 100],
    [
      'an unsupported type',
      { messaging_product: 'whatsapp' },
      { bytes: Buffer.from('MZ'), type: 'application/x-msdownload', name: 'a.exe' },
      100,
    ],
    [
      'an image over 5 MB',
      { messaging_product: 'whatsapp' },
      { bytes: Buffer.alloc(5 * 1024 * 1024 + 1), type: 'image/jpeg', name: 'big.jpg' },
      131053,
    ],
  ])('refuses an upload with %s', async (_label, fields, file, code) => {
    const res = await upload(fields, file);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe(code);
  });

  it('answers 190 to an upload with an unknown token', async () => {
    const res = await graph(
      `${number.phone_number_id}/media`,
      { method: 'POST', body: form({ messaging_product: 'whatsapp' }, photo()) },
      'nope',
    );
    expect(res.status).toBe(401);
  });

  it('logs uploads with a summary of the file', async () => {
    t.simulator.requests.clear(number.phone_number_id);
    await upload({ messaging_product: 'whatsapp', type: 'image/jpeg' }, photo());
    expect(t.simulator.requests.list(number.phone_number_id, 'media_upload')[0]).toMatchObject({
      status_code: 200,
      body: {
        messaging_product: 'whatsapp',
        type: 'image/jpeg',
        file: { filename: 'photo.jpg', mime_type: 'image/jpeg', size: jpeg.length },
      },
    });
  });

  it('answers GET on its phone number with the number details', async () => {
    const res = await graph(number.phone_number_id);
    expect(await res.json()).toMatchObject({
      id: number.phone_number_id,
      display_phone_number: '15550783881',
    });
  });

  it.each<[MediaKind, string]>([
    ['image', 'image/jpeg'],
    ['sticker', 'image/webp'],
    ['audio', 'audio/ogg; codecs=opus'],
    ['video', 'video/mp4'],
    ['document', 'application/pdf'],
  ])('sends a %s sample whose bytes are really %s', async (kind, mime) => {
    const sample = await sampleMedia(kind);
    expect(sample.mimeType).toBe(mime);
    expect((await fileTypeFromBuffer(sample.bytes))?.mime).toBe(mime);
  });
});
