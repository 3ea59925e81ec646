import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectNumber,
  createListeningApp,
  registerTenant,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { FIXTURES_DIR, readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { createSecretBox } from '../../platform/crypto.js';

const SEND_FIXTURES = readdirSync(path.join(FIXTURES_DIR, 'outbound'))
  .filter((f) => !f.startsWith('error_') && !f.startsWith('response_'))
  .sort();
const WAMID = /^wamid\.[A-Za-z0-9+/]+=*$/;

type Body = Record<string, unknown>;
const fixture = (name: string) => structuredClone(readFixture(`outbound/${name}`)) as Body;
const text = (extra: Body = {}): Body => ({ ...fixture('text_preview_url.json'), ...extra });

describe('simulator Graph: POST /{version}/{phone_number_id}/messages', () => {
  let t: ListeningApp;
  let number: TestNumber;
  beforeAll(async () => {
    t = await createListeningApp();
    number = await connectNumber(t);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.simulator.requests.clear(number.phone_number_id);
  });

  const send = (payload: unknown, o: { token?: string | null; phone?: string; version?: string } = {}) =>
    t.request({
      method: 'POST',
      url: `/simulator/graph/${o.version ?? 'v21.0'}/${o.phone ?? number.phone_number_id}/messages`,
      headers: {
        'content-type': 'application/json',
        ...(o.token === null ? {} : { authorization: `Bearer ${o.token ?? number.access_token}` }),
      },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  describe('accepted sends', () => {
    it.each(SEND_FIXTURES.filter((f) => !f.startsWith('mark_as_read')))(
      "accepts %s with Meta's success body",
      async (name) => {
        const body = fixture(name);
        const res = await send(body);
        expect(res.statusCode).toBe(200);
        const to = body.to as string;
        expect(res.json()).toEqual({
          messaging_product: 'whatsapp',
          contacts: [{ input: to, wa_id: to.replace('+', '') }],
          messages: [
            body.type === 'template'
              ? { id: expect.stringMatching(WAMID), message_status: 'accepted' }
              : { id: expect.stringMatching(WAMID) },
          ],
        });
        const shape = readFixture(
          body.type === 'template'
            ? 'outbound/response_success_template_paced.json'
            : 'outbound/response_success.json',
        ) as Body;
        expect(Object.keys(res.json())).toEqual(Object.keys(shape));
      },
    );

    it.each(['mark_as_read.json', 'mark_as_read_with_typing_indicator.json'])(
      'answers %s with {success: true}',
      async (name) => {
        const res = await send(fixture(name));
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual(readFixture('outbound/response_success_mark_read.json'));
      },
    );

    it('accepts a reaction removal (empty emoji)', async () => {
      const body = fixture('reaction.json');
      (body.reaction as Body).emoji = '';
      expect((await send(body)).statusCode).toBe(200);
    });

    it('gives every send its own wamid, encoding the recipient like Meta', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add((await send(text())).json().messages[0].id);
      expect(ids.size).toBe(5);
      const decoded = Buffer.from([...ids][0]!.slice('wamid.'.length), 'base64').toString('latin1');
      expect(decoded).toContain('16505551234');
    });

    it('accepts a business-scoped user id as recipient and echoes it', async () => {
      const { to: _to, ...rest } = text();
      const res = await send({ ...rest, recipient: 'US.13491208655302741918' });
      expect(res.statusCode).toBe(200);
      expect(res.json().contacts).toEqual([
        { input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' },
      ]);
    });

    it('keeps the exact request body of every send in the request log', async () => {
      const raw = JSON.stringify(fixture('interactive_list.json'));
      await send(raw);
      const [logged] = t.simulator.requests.list(number.phone_number_id, 'messages');
      expect(logged).toMatchObject({ raw_body: raw, body: JSON.parse(raw), status_code: 200 });
      expect(logged!.response).toMatchObject({ messaging_product: 'whatsapp' });
    });
  });

  describe("invalid bodies answer Meta's error", () => {
    const long = 'x'.repeat(4097);
    it.each<[string, unknown, RegExp]>([
      ['no messaging_product', { ...text(), messaging_product: undefined }, /messaging_product is required/],
      ['another messaging_product', text({ messaging_product: 'sms' }), /Invalid parameter/],
      ['no recipient', { ...text(), to: undefined }, /The parameter to is required/],
      ['a recipient with letters', text({ to: '+1 650 CALL-NOW' }), /Invalid parameter/],
      ['a type without its object', text({ type: 'image' }), /The parameter image is required/],
      ['an object of another type', text({ image: { id: '1' } }), /Invalid parameter/],
      ['an unknown type', text({ type: 'hologram' }), /Invalid parameter/],
      ['a text body over 4096 characters', text({ text: { body: long } }), /Invalid parameter/],
      ['an empty text body', text({ text: { body: '' } }), /Invalid parameter/],
      [
        'media with both id and link',
        { ...fixture('image_by_id.json'), image: { id: '1', link: 'https://x.test/a.png' } },
        /Invalid parameter/,
      ],
      [
        'media with neither id nor link',
        { ...fixture('image_by_id.json'), image: { caption: 'hi' } },
        /Invalid parameter/,
      ],
      [
        'a caption on audio',
        { ...fixture('audio_voice_by_id.json'), audio: { id: '1', caption: 'no' } },
        /Invalid parameter/,
      ],
      [
        'a location without longitude',
        { ...fixture('location.json'), location: { latitude: '1' } },
        /longitude/,
      ],
      [
        'a contact without formatted_name',
        { ...fixture('contacts.json'), contacts: [{ name: {} }] },
        /formatted_name/,
      ],
      ['four reply buttons', buttons(4), /Invalid parameter/],
      [
        'a template without language',
        { ...fixture('template_auth_copy_code.json'), template: { name: 'x' } },
        /language/,
      ],
      [
        'a reaction without emoji',
        { ...fixture('reaction.json'), reaction: { message_id: 'wamid.x' } },
        /emoji/,
      ],
      ['a read receipt without message_id', { messaging_product: 'whatsapp', status: 'read' }, /message_id/],
      ['a body that is not JSON', '{"messaging_product":', /Invalid parameter/],
    ])('refuses %s with code 100 and HTTP 400', async (_label, body, message) => {
      const res = await send(body);
      expect(res.statusCode).toBe(400);
      const { error } = res.json();
      expect(error).toMatchObject({ type: 'OAuthException', code: 100, fbtrace_id: expect.any(String) });
      expect(`${error.message} ${error.error_data?.details ?? ''}`).toMatch(message);
      const sample = (readFixture('outbound/error_100_invalid_parameter.json') as { error: Body }).error;
      expect(Object.keys(error).sort()).toEqual(Object.keys(sample).sort());
    });

    function buttons(n: number) {
      const body = fixture('interactive_reply_buttons.json');
      const interactive = body.interactive as { action: { buttons: unknown[] } };
      interactive.action.buttons = Array.from({ length: n }, (_, i) => ({
        type: 'reply',
        reply: { id: `b${i}`, title: `B${i}` },
      }));
      return body;
    }

    it('records refused sends too, with the error it answered', async () => {
      await send(text({ type: 'image' }));
      const [logged] = t.simulator.requests.list(number.phone_number_id);
      expect(logged).toMatchObject({
        endpoint: 'messages',
        status_code: 400,
        response: { error: { code: 100 } },
      });
    });
  });

  describe('tokens and numbers', () => {
    it('answers 190 / HTTP 401 for an unknown token', async () => {
      const res = await send(text(), { token: 'EAAG-wrong' });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatchObject({ code: 190, type: 'OAuthException' });
    });

    it('answers 104 for a request without a token', async () => {
      const res = await send(text(), { token: null });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(104);
    });

    it("refuses another tenant's number even with a valid token of its own (code 100, subcode 33)", async () => {
      const other = await connectNumber(t, await registerTenant(t, 'Other'));
      const res = await send(text(), { token: other.access_token });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 100, error_subcode: 33 });
      expect(
        (await send(text(), { token: other.access_token, phone: other.phone_number_id })).statusCode,
      ).toBe(200);
    });

    it('keeps serving the other numbers when one was sealed with another ENCRYPTION_KEY', async () => {
      const other = await connectNumber(t, await registerTenant(t, 'Rotated'));
      const foreign = createSecretBox(randomBytes(32));
      await t.deps.database.db
        .update(whatsappIntegrations)
        .set({
          accessTokenEncrypted: foreign.encrypt(other.access_token),
          appSecretEncrypted: foreign.encrypt('x'),
        })
        .where(eq(whatsappIntegrations.phoneNumberId, other.phone_number_id));
      expect((await send(text())).statusCode).toBe(200);
      const refused = await send(text(), { token: other.access_token, phone: other.phone_number_id });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe(190);
    });

    it('treats an unknown API version as an unknown path (code 2500)', async () => {
      const res = await send(text(), { version: 'latest' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe(2500);
    });
  });

  describe('templates', () => {
    it('refuses a template the WABA holds but has not approved (132001, HTTP 404)', async () => {
      const sim = t.simulator;
      sim.templates.create(number.business_account_id, {
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Your order {{1}} shipped' }],
      });
      const body = fixture('template_auth_copy_code.json');
      body.template = { name: 'order_update', language: { code: 'en_US' } };
      const res = await send(body);
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 132001 });
    });

    it('refuses unknown templates only in strict mode', async () => {
      const sim = t.simulator;
      const body = fixture('template_named_params_utility.json');
      expect((await send(body)).statusCode).toBe(200);
      sim.configure({ strictTemplates: true });
      try {
        expect((await send(body)).json().error.code).toBe(132001);
      } finally {
        sim.configure({ strictTemplates: false });
      }
    });
  });
});
