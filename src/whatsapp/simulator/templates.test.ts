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
import { parseWebhook } from '../webhook-parser.js';
import type { Delivery } from './control.schema.js';

const CREATE = {
  name: 'order_confirmation',
  language: 'en_US',
  category: 'UTILITY',
  components: [
    {
      type: 'BODY',
      text: 'Thank you for your order, {{1}}! Your order number is {{2}}.',
      example: { body_text: [['Pablo', '860198-230332']] },
    },
  ],
};

describe('simulator Graph: message templates', () => {
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

  const graph = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    payload?: unknown,
    token = number.access_token,
  ) =>
    t.request({
      method,
      url: `/simulator/graph/v21.0/${number.business_account_id}/message_templates${path}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const review = (id: string, payload: Record<string, unknown>, token = admin) =>
    t.request({ method: 'POST', url: `/simulator/templates/${id}/status`, token, payload });
  const sendTemplate = (name: string) =>
    t.request({
      method: 'POST',
      url: `/simulator/graph/v21.0/${number.phone_number_id}/messages`,
      headers: { authorization: `Bearer ${number.access_token}` },
      payload: {
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'template',
        template: { name, language: { code: 'en_US' } },
      },
    });

  it("lists Meta's approved sample template for a new account, with paging", async () => {
    const res = await graph('GET', '');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      data: [
        expect.objectContaining({
          name: 'hello_world',
          language: 'en_US',
          status: 'APPROVED',
          category: 'UTILITY',
          id: expect.any(String),
        }),
      ],
      paging: { cursors: { before: expect.any(String), after: expect.any(String) } },
    });
    expect(Object.keys(res.json().data[0]).sort()).toEqual([
      'category',
      'components',
      'id',
      'language',
      'name',
      'parameter_format',
      'status',
    ]);
  });

  it('creates a template in PENDING; it cannot be sent until approved, then the webhook tells the app', async () => {
    const created = await graph('POST', '', CREATE);
    expect(created.statusCode).toBe(200);
    const { id } = created.json();
    expect(created.json()).toEqual({
      id: expect.stringMatching(/^\d+$/),
      status: 'PENDING',
      category: 'UTILITY',
    });
    expect((await sendTemplate('order_confirmation')).json().error.code).toBe(132001);

    const approved = await review(id, { event: 'APPROVED' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().template).toMatchObject({ id, status: 'APPROVED' });
    const delivery = approved.json().delivery as Delivery;
    expect(delivery.status_code).toBe(200);
    expect(verifySignature(delivery.body, delivery.signature ?? undefined, number.app_secret)).toBe(true);

    const body = JSON.parse(delivery.body);
    const sample = readFixture('inbound/message_template_status_update_approved.json') as typeof body;
    expect(Object.keys(body)).toEqual(Object.keys(sample));
    expect(Object.keys(body.entry[0].changes[0].value)).toEqual(
      Object.keys(sample.entry[0].changes[0].value),
    );
    expect(body.entry[0]).toMatchObject({ id: number.business_account_id, time: expect.any(Number) });
    expect(parseWebhook(body)).toEqual([
      expect.objectContaining({
        kind: 'template_status',
        event: 'APPROVED',
        templateId: id,
        name: 'order_confirmation',
        language: 'en_US',
      }),
    ]);
    const [event] = await t.deps.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.rawBody, delivery.body));
    expect(event?.status).not.toBe('unmatched');

    const sent = await sendTemplate('order_confirmation');
    expect(sent.statusCode).toBe(200);
    expect(sent.json().messages[0].message_status).toBe('accepted');
    const listed = (await graph('GET', '?name=order_confirmation')).json().data;
    expect(listed).toEqual([expect.objectContaining({ id, status: 'APPROVED' })]);
  });

  it('rejects with the reason and rejection_info Meta sends', async () => {
    const { id } = (
      await graph('POST', '', { ...CREATE, name: 'abandoned_cart', category: 'MARKETING' })
    ).json();
    const rejection_info = { reason: 'Parameters side by side.', recommendation: 'Separate them.' };
    const res = await review(id, { event: 'REJECTED', reason: 'INVALID_FORMAT', rejection_info });
    const value = JSON.parse((res.json().delivery as Delivery).body).entry[0].changes[0].value;
    expect(value).toMatchObject({
      event: 'REJECTED',
      reason: 'INVALID_FORMAT',
      message_template_category: 'MARKETING',
      rejection_info,
    });
    expect(value.message_template_id).toBe(Number(id));
    expect((await graph('GET', '?status=REJECTED')).json().data.map((d: { id: string }) => d.id)).toEqual([
      id,
    ]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an uppercase name', { ...CREATE, name: 'Order' }, /lowercase/],
    ['no category', { ...CREATE, name: 'x1', category: undefined }, /category is required/],
    ['an unknown category', { ...CREATE, name: 'x2', category: 'SPAM' }, /category/],
    ['no body component', { ...CREATE, name: 'x3', components: [{ type: 'FOOTER', text: 'bye' }] }, /BODY/],
  ])('refuses a template with %s (code 100)', async (_label, payload, message) => {
    const res = await graph('POST', '', payload);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe(100);
    expect(`${error.message} ${error.error_data?.details ?? ''}`).toMatch(message);
  });

  it('refuses a second template with the same name and language (subcode 2388024)', async () => {
    await graph('POST', '', { ...CREATE, name: 'twice' });
    const res = await graph('POST', '', { ...CREATE, name: 'twice' });
    expect(res.json().error).toMatchObject({ code: 100, error_subcode: 2388024 });
  });

  it('deletes by name', async () => {
    await graph('POST', '', { ...CREATE, name: 'short_lived' });
    const res = await graph('DELETE', '?name=short_lived');
    expect(res.json()).toEqual({ success: true });
    expect((await graph('GET', '?name=short_lived')).json().data).toEqual([]);
    expect((await graph('DELETE', '?name=short_lived')).json().error.code).toBe(100);
  });

  it('pages with cursors', async () => {
    await graph('POST', '', { ...CREATE, name: 'paged_a' });
    await graph('POST', '', { ...CREATE, name: 'paged_b' });
    const first = (await graph('GET', '?limit=1')).json();
    expect(first.data).toHaveLength(1);
    expect(first.paging.next).toContain('after=');
    const after = new URL(first.paging.next as string).searchParams.get('after');
    const second = (await graph('GET', `?limit=1&after=${after}`)).json();
    expect(second.data[0].id).not.toBe(first.data[0].id);
  });

  it("keeps accounts apart: another tenant's token and admin see nothing of this WABA", async () => {
    const otherAdmin = await registerTenant(t, 'Other');
    const other = await connectNumber(t, otherAdmin);
    const res = await graph('GET', '', undefined, other.access_token);
    expect(res.json().error).toMatchObject({ code: 100, error_subcode: 33 });
    const [tpl] = (await graph('GET', '')).json().data as { id: string }[];
    expect((await review(tpl!.id, { event: 'PAUSED' }, otherAdmin)).statusCode).toBe(404);
  });
});
