import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectNumber,
  createListeningApp,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { WhatsappQueue } from '../queues.js';
import { sampleMedia } from '../simulator/sample-media.js';
import { envelope, eventually, inboundMessage, queries, sleep } from './inbound.test-helpers.js';
import type { MediaFetchJob } from './media-fetch.js';
import type { MessageDto } from '../../features/messages/messages.schema.js';

const CUSTOMER = { from: '34699000111', name: 'Lucía' };

describe('inbound media, fetched through the simulator’s Graph media endpoints', () => {
  let t: ListeningApp;
  let number: TestNumber;
  let admin: string;
  let q: ReturnType<typeof queries>;
  let tenantId: string;
  beforeAll(async () => {
    t = await createListeningApp();
    admin = await t.adminToken();
    number = await connectNumber(t, admin);
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
    q = queries(t, tenantId);
  });
  afterAll(async () => {
    await t.close();
  });

  const messageIdOf = (wamid: string) => eventually(async () => (await q.message(wamid))?.id);
  const getMessage = async (id: string) =>
    (await t.request({ method: 'GET', url: `/api/v1/messages/${id}`, token: admin })).json<MessageDto>();
  const withAttachment = (id: string) =>
    eventually(async () => {
      const message = await getMessage(id);
      return message.attachments.length ? message : undefined;
    });
  const requests = (endpoint: 'media_get' | 'media_download') =>
    t.simulator.requests.list(number.phone_number_id, endpoint);

  /** A customer's media webhook carrying only what the caller gives (no `url`: Graph is asked). */
  const mediaWebhook = (wamid: string, kind: string, media: Record<string, unknown>) =>
    t.simulator.rawWebhook({
      phone_number_id: number.phone_number_id,
      body: envelope(
        {
          contacts: [{ profile: { name: CUSTOMER.name }, wa_id: CUSTOMER.from }],
          messages: [inboundMessage(CUSTOMER, { wamid, type: kind, [kind]: media })],
        },
        number,
      ),
    });

  it.each([
    ['image', 'image/jpeg'],
    ['audio', 'audio/ogg'],
    ['video', 'video/mp4'],
    ['document', 'application/pdf'],
    ['sticker', 'image/webp'],
  ])('downloads a customer’s %s, stores it and attaches it with its metadata', async (kind, mime) => {
    const sent = await t.simulator.customerMessage({
      phone_number_id: number.phone_number_id,
      from: CUSTOMER.from,
      name: CUSTOMER.name,
      type: kind as 'image',
    });
    const message = await withAttachment(await messageIdOf(sent.message_id));
    const stored = t.simulator.media.get(sent.media_id!)!;
    expect(message).toMatchObject({ type: kind, sender_type: 'contact' });
    expect(message.attachments).toEqual([
      expect.objectContaining({ kind, mime_type: mime, size: stored.bytes.length, url: expect.any(String) }),
    ]);
    const file = await fetch(message.attachments[0]!.url!);
    expect(
      createHash('sha256')
        .update(Buffer.from(await file.arrayBuffer()))
        .digest('hex'),
    ).toBe(stored.sha256Hex);
  });

  it('gives the attachment the stored media’s id, which GET /media/:id answers', async () => {
    const sent = await t.simulator.customerMessage({
      phone_number_id: number.phone_number_id,
      from: CUSTOMER.from,
      type: 'image',
    });
    const [attachment] = (await withAttachment(await messageIdOf(sent.message_id))).attachments;
    const media = await t.request({ method: 'GET', url: `/api/v1/media/${attachment!.id}`, token: admin });
    expect(media.statusCode, media.body).toBe(200);
    expect(media.json()).toMatchObject({
      id: attachment!.id,
      kind: 'image',
      source: 'whatsapp',
      attached: true,
    });
  });

  it('keeps the picture’s dimensions and a thumbnail', async () => {
    const sent = await t.simulator.customerMessage({
      phone_number_id: number.phone_number_id,
      from: CUSTOMER.from,
      type: 'image',
      image: { caption: 'my receipt' },
    });
    const message = await withAttachment(await messageIdOf(sent.message_id));
    expect(message.body).toBe('my receipt');
    expect(message.attachments[0]).toMatchObject({
      width: expect.any(Number),
      height: expect.any(Number),
      thumbnail_url: expect.any(String),
    });
  });

  it('announces the message again once its file is attached', async () => {
    const updates: { type: string; payload: { whatsapp_message_id: string; attachments: unknown[] } }[] = [];
    const stop = t.deps.events.subscribe(
      'message.updated',
      (e) => void updates.push(e as (typeof updates)[number]),
    );
    const sent = await t.simulator.customerMessage({
      phone_number_id: number.phone_number_id,
      from: CUSTOMER.from,
      type: 'document',
    });
    await withAttachment(await messageIdOf(sent.message_id));
    await eventually(async () => updates.some((u) => u.payload.whatsapp_message_id === sent.message_id));
    stop();
    const update = updates.find((u) => u.payload.whatsapp_message_id === sent.message_id)!;
    expect(update.payload.attachments).toHaveLength(1);
  });

  it('asks Graph for the URL (GET /{media_id}, bearer token) when the webhook carries none', async () => {
    const bytes = await sampleMedia('image');
    const stored = t.simulator.media.put(number.phone_number_id, bytes.bytes, 'image/jpeg');
    const before = requests('media_get').length;
    await mediaWebhook('wamid.no-url', 'image', {
      id: stored.id,
      mime_type: 'image/jpeg',
      sha256: stored.sha256Base64,
    });
    const message = await withAttachment(await messageIdOf('wamid.no-url'));
    expect(message.attachments[0]).toMatchObject({ kind: 'image', size: bytes.bytes.length });
    expect(requests('media_get').length).toBe(before + 1);
  });

  it('does not attach a file whose bytes do not match Meta’s sha256, and retries', async () => {
    const bytes = await sampleMedia('image');
    const stored = t.simulator.media.put(number.phone_number_id, bytes.bytes, 'image/jpeg');
    const downloadsOf = () => requests('media_download').filter((r) => r.path.includes(stored.id)).length;
    await mediaWebhook('wamid.bad-hash', 'image', {
      id: stored.id,
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update('something else').digest('base64'),
    });
    const id = await messageIdOf('wamid.bad-hash');
    await eventually(async () => downloadsOf() >= 2);
    expect((await getMessage(id)).attachments).toEqual([]);
    const [job] = await t.deps.queue.boss.findJobs<MediaFetchJob>(WhatsappQueue.MediaFetch, {
      key: `${id}:${stored.id}`,
    });
    expect(job).toMatchObject({ state: expect.stringMatching(/retry|active|created/) });
    expect(job!.retryCount).toBeGreaterThanOrEqual(1);
  });

  it('attaches the file once, however often the job runs', async () => {
    const sent = await t.simulator.customerMessage({
      phone_number_id: number.phone_number_id,
      from: CUSTOMER.from,
      type: 'image',
    });
    const id = await messageIdOf(sent.message_id);
    await withAttachment(id);
    const [job] = await t.deps.queue.boss.findJobs<MediaFetchJob>(WhatsappQueue.MediaFetch, {
      key: `${id}:${sent.media_id}`,
    });
    await t.deps.queue.send(WhatsappQueue.MediaFetch, job!.data);
    await t.deps.queue.send(WhatsappQueue.MediaFetch, job!.data);
    await sleep(1500);
    expect((await getMessage(id)).attachments).toHaveLength(1);
  });
});
