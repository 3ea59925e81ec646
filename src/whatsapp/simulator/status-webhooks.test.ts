import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEvents } from '../../features/webhooks/webhooks.table.js';
import {
  connectNumber,
  createListeningApp,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import { verifySignature } from '../signature.js';
import { parseWebhook, type WebhookItem } from '../webhook-parser.js';
import type { Delivery } from './control.schema.js';

type Status = Extract<WebhookItem, { kind: 'status' }>;
interface StatusBody {
  object: string;
  entry: { id: string; changes: { value: { statuses: Record<string, unknown>[] }; field: string }[] }[];
}
const statusOf = (d: Delivery): Status => {
  const [item] = parseWebhook(JSON.parse(d.body));
  if (item?.kind !== 'status') throw new Error(`not a status webhook: ${d.body}`);
  return item;
};

describe('simulator: status webhooks after a send', () => {
  let t: ListeningApp;
  let number: TestNumber;
  beforeAll(async () => {
    t = await createListeningApp();
    number = await connectNumber(t);
  });
  afterAll(async () => {
    await t.close();
  });

  async function sendText(to: string, extra: Record<string, unknown> = {}) {
    const res = await t.request({
      method: 'POST',
      url: `/simulator/graph/v21.0/${number.phone_number_id}/messages`,
      headers: { authorization: `Bearer ${number.access_token}` },
      payload: { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Hello' }, ...extra },
    });
    expect(res.statusCode).toBe(200);
    const wamid = res.json<{ messages: { id: string }[] }>().messages[0]!.id;
    await t.simulator.settle();
    const deliveries = t.simulator
      .deliveries(number.phone_number_id)
      .filter((d) => d.kind === 'status' && statusOf(d).wamid === wamid);
    return { wamid, deliveries };
  }

  it('posts sent, delivered and read for the wamid, in that order', async () => {
    const { wamid, deliveries } = await sendText('+16505551234');
    expect(deliveries.map((d) => statusOf(d).status)).toEqual(['sent', 'delivered', 'read']);
    for (const d of deliveries) {
      expect(statusOf(d)).toMatchObject({
        wamid,
        recipientId: '16505551234',
        phoneNumberId: number.phone_number_id,
      });
    }
  });

  it("signs each webhook like Meta, and the app's real intake accepts and stores it", async () => {
    const { deliveries } = await sendText('16505551234');
    for (const d of deliveries) {
      expect(d.body).not.toMatch(/[^\x20-\x7e]/); // compact, \u-escaped
      expect(verifySignature(d.body, d.signature ?? undefined, number.app_secret)).toBe(true);
      expect(d).toMatchObject({
        status_code: 200,
        url: `${t.url}/api/v1/meta-whatsapp/webhook`,
        error: null,
      });
      const [event] = await t.deps.database.db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.rawBody, d.body));
      expect(event).toMatchObject({ phoneNumberId: number.phone_number_id, signature: d.signature });
      // 'received' on arrival; a running webhook worker may already have moved it on.
      expect(['received', 'processing', 'processed']).toContain(event!.status);
    }
  });

  it("uses the shape of Meta's v24 status webhooks, with pricing on sent and delivered", async () => {
    const { deliveries } = await sendText('16505551234');
    const [sent, , read] = deliveries.map((d) => JSON.parse(d.body) as StatusBody) as [
      StatusBody,
      StatusBody,
      StatusBody,
    ];
    const sample = readFixture('inbound/status_sent_with_conversation_pricing.json') as StatusBody;
    const valueOf = (b: StatusBody) => b.entry[0]!.changes[0]!.value;
    const value = valueOf(sent);
    expect(Object.keys(sent)).toEqual(Object.keys(sample));
    expect(Object.keys(value)).toEqual(Object.keys(valueOf(sample)));
    expect(value.statuses[0]).toEqual({
      id: expect.stringMatching(/^wamid\./),
      status: 'sent',
      timestamp: expect.stringMatching(/^\d{10}$/),
      recipient_id: '16505551234',
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    });
    expect(valueOf(read).statuses[0]).not.toHaveProperty('pricing');
    expect(sent.entry[0]!.id).toBe(number.business_account_id);
  });

  it('echoes biz_opaque_callback_data on every status', async () => {
    const { deliveries } = await sendText('16505551234', { biz_opaque_callback_data: 'order-42' });
    for (const d of deliveries) expect(statusOf(d).raw.biz_opaque_callback_data).toBe('order-42');
  });

  it('stops at delivered for a customer who never reads', async () => {
    t.simulator.recipients.set({
      phone_number_id: number.phone_number_id,
      wa_id: '16505550001',
      never_read: true,
    });
    const { deliveries } = await sendText('16505550001');
    expect(deliveries.map((d) => statusOf(d).status)).toEqual(['sent', 'delivered']);
  });

  it.each([131047, 131026])('fails every send to a customer set up with error %i', async (code) => {
    const waId = `1650555${code}`.slice(0, 15);
    t.simulator.recipients.set({
      phone_number_id: number.phone_number_id,
      wa_id: waId,
      fail_with_code: code,
    });
    const { deliveries } = await sendText(waId);
    expect(deliveries).toHaveLength(1);
    const failed = statusOf(deliveries[0]!);
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code }] });
    const sample = readFixture('inbound/status_failed_131047_reengagement.json') as {
      entry: { changes: { value: { statuses: { errors: Record<string, unknown>[] }[] } }[] }[];
    };
    const sampleError = sample.entry[0]!.changes[0]!.value.statuses[0]!.errors[0]!;
    expect(Object.keys((failed.raw.errors as Record<string, unknown>[])[0]!)).toEqual(
      Object.keys(sampleError),
    );
  });

  it('bills a template send by its category', async () => {
    const { deliveries } = await sendText('16505551234', {
      type: 'template',
      text: undefined,
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(statusOf(deliveries[0]!).raw.pricing).toEqual({
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: 'utility',
    });
  });

  it('spaces the statuses by the configured offsets', async () => {
    t.simulator.configure({ statusDelaysMs: { sent: 50, delivered: 150, read: 300 } });
    try {
      const started = Date.now();
      const { deliveries } = await sendText('16505551234');
      const at = deliveries.map((d) => Date.parse(d.sent_at) - started);
      expect(at[0]).toBeGreaterThanOrEqual(45);
      expect(at[1]).toBeGreaterThanOrEqual(145);
      expect(at[2]).toBeGreaterThanOrEqual(295);
    } finally {
      t.simulator.configure({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    }
  });
});
