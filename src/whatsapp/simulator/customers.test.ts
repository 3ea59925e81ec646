import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../features/webhooks/webhooks.table.js';
import {
  connectNumber,
  createListeningApp,
  registerTenant,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import { verifySignature } from '../signature.js';
import { parseWebhook, type WebhookItem } from '../webhook-parser.js';
import type { Delivery } from './control.schema.js';

type Message = Extract<WebhookItem, { kind: 'message' }>;
const messageOf = (d: Delivery): Message => {
  const [item] = parseWebhook(JSON.parse(d.body));
  if (item?.kind !== 'message') throw new Error(`not a message webhook: ${d.body}`);
  return item;
};
const BUSINESS_WAMID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA';

describe('simulator: simulated customers', () => {
  let t: ListeningApp;
  let number: TestNumber;
  let admin: string;
  beforeAll(async () => {
    t = await createListeningApp();
    admin = await t.adminToken();
    number = await connectNumber(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const customerSays = (payload: Record<string, unknown>, token: string = admin) =>
    t.request({
      method: 'POST',
      url: '/simulator/customers/messages',
      token,
      payload: {
        phone_number_id: number.phone_number_id,
        from: '16505551234',
        name: 'Sheena Nelson',
        ...payload,
      },
    });

  async function accepted(payload: Record<string, unknown>) {
    const res = await customerSays(payload);
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json<{ message_id: string; media_id: string | null; delivery: Delivery }>();
    expect(result.delivery.status_code, result.delivery.response ?? '').toBe(200);
    return { ...result, item: messageOf(result.delivery) };
  }

  it.each<[string, Record<string, unknown>, Partial<Message['message']>]>([
    ['text', { type: 'text', text: { body: 'Hi there' } }, { type: 'text', body: 'Hi there' }],
    [
      'a quoted reply',
      { type: 'text', text: { body: 'this one' }, context: { id: BUSINESS_WAMID } },
      { type: 'text', replyToWamid: BUSINESS_WAMID },
    ],
    [
      'a click-to-WhatsApp ad reply',
      { type: 'text', text: { body: 'Info?' }, referral: { source_type: 'ad', ctwa_clid: 'abc' } },
      { type: 'text', content: { referral: { source_type: 'ad', ctwa_clid: 'abc' } } },
    ],
    [
      'a location',
      { type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee' } },
      { type: 'location', body: 'Philz Coffee' },
    ],
    [
      'a contact card',
      {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Lucía Gómez', first_name: 'Lucía' },
            phones: [{ phone: '+1 983 555 2319', wa_id: '19835552319' }],
          },
        ],
      },
      { type: 'contacts', body: 'Lucía Gómez' },
    ],
    [
      'a reply button tap',
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'cancel', title: 'Cancel' } },
        context: { id: BUSINESS_WAMID },
      },
      { type: 'interactive', body: 'Cancel' },
    ],
    [
      'a list selection',
      {
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'priority_express', title: 'Priority Mail Express' },
        },
      },
      { type: 'interactive', body: 'Priority Mail Express' },
    ],
    [
      'a template quick reply',
      { type: 'button', button: { payload: 'STOP', text: 'Unsubscribe' } },
      { type: 'button', body: 'Unsubscribe' },
    ],
    [
      'a reaction',
      { type: 'reaction', reaction: { message_id: BUSINESS_WAMID, emoji: '👍' } },
      { type: 'reaction', reaction: { targetWamid: BUSINESS_WAMID, emoji: '👍' } },
    ],
    [
      'a reaction removed with an empty emoji',
      { type: 'reaction', reaction: { message_id: BUSINESS_WAMID, emoji: '' } },
      { type: 'reaction', reaction: { targetWamid: BUSINESS_WAMID, emoji: null } },
    ],
    [
      'a reaction removed without emoji',
      { type: 'reaction', reaction: { message_id: BUSINESS_WAMID } },
      { type: 'reaction', reaction: { targetWamid: BUSINESS_WAMID, emoji: null } },
    ],
    [
      'an order',
      {
        type: 'order',
        order: {
          catalog_id: '194836987003835',
          product_items: [
            { product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 9.5, currency: 'USD' },
          ],
        },
      },
      { type: 'order', body: 'Order of 1 item' },
    ],
    [
      'a number change',
      { type: 'system', system: { type: 'user_changed_number', wa_id: '12195555358' } },
      { type: 'system', numberChange: { newWaId: '12195555358', newUserId: null } },
    ],
    [
      'an unsupported message',
      { type: 'unsupported', unsupported: { type: 'edit' } },
      { type: 'unsupported', errors: [expect.objectContaining({ code: 131051 })] },
    ],
  ])('delivers %s that the app accepts and parses', async (_label, payload, expected) => {
    const { item, message_id, delivery } = await accepted(payload);
    expect(item.message).toMatchObject({ wamid: message_id, from: '16505551234', ...expected });
    expect(item.phoneNumberId).toBe(number.phone_number_id);
    const [event] = await t.deps.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.rawBody, delivery.body));
    expect(event).toMatchObject({ phoneNumberId: number.phone_number_id, signature: delivery.signature });
    expect(['received', 'processing', 'processed']).toContain(event!.status);
  });

  it.each([
    ['image', { caption: 'Taj Mahal' }, 'image/jpeg'],
    ['audio', { voice: true }, 'audio/ogg; codecs=opus'],
    ['video', { caption: 'Timelapse' }, 'video/mp4'],
    ['document', { filename: 'receipt.pdf', caption: 'my receipt' }, 'application/pdf'],
    ['sticker', {}, 'image/webp'],
  ] as const)(
    'delivers an %s whose media the app can fetch from Graph with its token',
    async (type, extra, mime) => {
      const { item, media_id } = await accepted({ type, [type]: extra });
      expect(item.message.type).toBe(type);
      expect(item.message.media).toMatchObject({ kind: type, mediaId: media_id, mimeType: mime });
      const auth = { authorization: `Bearer ${number.access_token}` };
      const meta = await fetch(`${t.url}/simulator/graph/v21.0/${media_id}`, { headers: auth });
      expect(meta.status).toBe(200);
      const { url, sha256, file_size } = (await meta.json()) as {
        url: string;
        sha256: string;
        file_size: number;
      };
      const bytes = Buffer.from(await (await fetch(url, { headers: auth })).arrayBuffer());
      expect(bytes.length).toBe(file_size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
      expect(createHash('sha256').update(bytes).digest('base64')).toBe(item.message.media!.sha256);
      const direct = await fetch(item.message.media!.url!, { headers: auth });
      expect(direct.status).toBe(200);
    },
  );

  it('keeps the caption, voice flag and file name Meta would send', async () => {
    const doc = await accepted({
      type: 'document',
      document: { filename: 'invoice.pdf', caption: 'Invoice' },
    });
    expect(doc.item.message).toMatchObject({
      body: 'Invoice',
      media: { filename: 'invoice.pdf', caption: 'Invoice' },
    });
    const voice = await accepted({ type: 'audio', audio: { voice: true } });
    expect((voice.item.message.content.audio as { voice: boolean }).voice).toBe(true);
  });

  it('sends the given bytes when the customer attaches a file', async () => {
    const data = Buffer.from('hello, plain text');
    const { media_id } = await accepted({
      type: 'document',
      document: { data_base64: data.toString('base64'), mime_type: 'text/plain', filename: 'note.txt' },
    });
    expect(t.simulator.media.get(media_id!)?.bytes.equals(data)).toBe(true);
  });

  it('signs the body with the app secret over its \\u-escaped wire form', async () => {
    const { delivery } = await accepted({ type: 'text', text: { body: 'Olá ¿qué tal? 😀' } });
    expect(delivery.body).toContain('\\u00e1');
    expect(verifySignature(delivery.body, delivery.signature ?? undefined, number.app_secret)).toBe(true);
    expect(JSON.parse(delivery.body).entry[0].changes[0].value.messages[0].text.body).toBe(
      'Olá ¿qué tal? 😀',
    );
  });

  it('carries the profile, username and business-scoped user id, and supports username-only users', async () => {
    const { item } = await accepted({
      type: 'text',
      text: { body: 'hi' },
      from: '',
      user_id: 'US.13491208655302741918',
      username: 'sheena',
    });
    expect(item.contact).toEqual({
      waId: null,
      userId: 'US.13491208655302741918',
      name: 'Sheena Nelson',
      username: 'sheena',
    });
    expect(item.message.fromUserId).toBe('US.13491208655302741918');
  });

  it("builds the same envelope as Meta's samples", async () => {
    const { delivery } = await accepted({ type: 'text', text: { body: 'Does it come in another color?' } });
    const sample = readFixture('inbound/text.json') as {
      entry: { changes: { value: Record<string, unknown> }[] }[];
    };
    const body = JSON.parse(delivery.body) as typeof sample;
    const value = body.entry[0]!.changes[0]!.value;
    expect(Object.keys(value)).toEqual(Object.keys(sample.entry[0]!.changes[0]!.value));
    expect(value.metadata).toEqual({
      display_phone_number: '15550783881',
      phone_number_id: number.phone_number_id,
    });
    expect(Object.keys((value.messages as Record<string, unknown>[])[0]!)).toEqual([
      'from',
      'id',
      'timestamp',
      'type',
      'text',
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a type without its object', { type: 'text' }],
    ['an object of another type', { type: 'text', text: { body: 'x' }, image: {} }],
    ['no sender at all', { type: 'text', text: { body: 'x' }, from: '' }],
    ['an unknown field', { type: 'text', text: { body: 'x' }, mood: 'happy' }],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_label, payload) => {
    const res = await customerSays(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
  });

  describe('raw webhooks', () => {
    const fixtureFor = (name: string) => {
      const body = structuredClone(readFixture(`inbound/${name}`)) as {
        entry: { changes: { value: { metadata: { phone_number_id: string } } }[] }[];
      };
      body.entry[0]!.changes[0]!.value.metadata.phone_number_id = number.phone_number_id;
      return body;
    };
    const postRaw = (payload: Record<string, unknown>) =>
      t.request({
        method: 'POST',
        url: '/simulator/webhooks/raw',
        token: admin,
        payload: { phone_number_id: number.phone_number_id, ...payload },
      });

    it('posts any body signed, and twice when asked twice (duplicates are for the app to absorb)', async () => {
      const body = fixtureFor('reaction.json');
      const first = (await postRaw({ body })).json<Delivery>();
      const second = (await postRaw({ body })).json<Delivery>();
      expect([first.status_code, second.status_code]).toEqual([200, 200]);
      expect(first.body).toBe(second.body);
      expect(first.body).toContain('\\ud83d\\udc4d');
      expect(verifySignature(first.body, first.signature ?? undefined, number.app_secret)).toBe(true);
    });

    it('sends a text body byte for byte', async () => {
      const text = JSON.stringify(fixtureFor('text.json'), null, 2);
      const delivery = (await postRaw({ body: text })).json<Delivery>();
      expect(delivery).toMatchObject({ body: text, status_code: 200 });
    });

    it('can sign wrongly or not at all, and the app then refuses it', async () => {
      for (const signature of ['invalid', 'none']) {
        const delivery = (await postRaw({ body: fixtureFor('text.json'), signature })).json<Delivery>();
        expect(delivery.status_code).toBe(403);
      }
    });

    it('lists what was posted for the number', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/simulator/webhooks?phone_number_id=${number.phone_number_id}`,
        token: admin,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.length).toBeGreaterThan(0);
    });
  });

  describe('access', () => {
    it('needs a token', async () => {
      const res = await t.request({ method: 'POST', url: '/simulator/customers/messages', payload: {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    });

    it('is for admins (integrations:manage) only', async () => {
      const agent = await t.createUser('agent');
      const res = await customerSays({ type: 'text', text: { body: 'x' } }, agent.token);
      expect(res.statusCode).toBe(403);
    });

    it("answers 404 for another tenant's number", async () => {
      const other = await registerTenant(t, 'Elsewhere');
      const res = await customerSays({ type: 'text', text: { body: 'x' } }, other);
      expect(res.statusCode).toBe(404);
      const list = await t.request({
        method: 'GET',
        url: `/simulator/webhooks?phone_number_id=${number.phone_number_id}`,
        token: other,
      });
      expect(list.statusCode).toBe(404);
    });
  });
});
