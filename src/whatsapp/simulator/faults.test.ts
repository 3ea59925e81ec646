import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectNumber,
  createListeningApp,
  registerTenant,
  type ListeningApp,
  type TestNumber,
} from '../../../test/helpers/listening-app.js';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';

const TEXT = { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'Hi' } };

describe('simulator: fault injection and the request log', () => {
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
  beforeEach(async () => {
    await t.simulator.settle();
    t.simulator.faults.clear(number.phone_number_id);
    t.simulator.requests.clear(number.phone_number_id);
  });

  const send = (payload: unknown = TEXT) =>
    fetch(`${t.url}/simulator/graph/v21.0/${number.phone_number_id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${number.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  const fault = (spec: Record<string, unknown>) =>
    t.simulator.faults.add({ phone_number_id: number.phone_number_id, ...spec });

  it.each([
    [130429, 400, 'error_130429_rate_limit.json'],
    [131056, 400, 'error_131056_pair_rate_limit.json'],
    [190, 401, 'error_190_expired_token.json'],
    [100, 400, 'error_100_invalid_parameter.json'],
    [131047, 400, 'error_131047_reengagement_sync.json'],
  ])(
    "answers the next send with error %i and HTTP %i in Meta's shape, then recovers",
    async (code, status, sample) => {
      fault({ error_code: code });
      const res = await send();
      expect(res.status).toBe(status);
      const { error } = (await res.json()) as { error: Record<string, unknown> };
      const expected = (readFixture(`outbound/${sample}`) as { error: Record<string, unknown> }).error;
      expect(error).toMatchObject({ code, type: 'OAuthException', fbtrace_id: expect.any(String) });
      expect(Object.keys(error).sort()).toEqual(Object.keys(expected).sort());
      if (code === 190) expect(error.message).toMatch(/Session has expired/);
      expect((await send()).status).toBe(200);
    },
  );

  it('answers a bare HTTP 500 as Meta does (code 131000)', async () => {
    fault({ http_status: 500 });
    const res = await send();
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(131000);
  });

  it('answers a bare HTTP 429 as a throughput limit (code 130429), which senders retry', async () => {
    fault({ http_status: 429 });
    const res = await send();
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(130429);
  });

  it('lets the HTTP status be overridden, e.g. 429 for a rate limit', async () => {
    fault({ error_code: 130429, http_status: 429 });
    expect((await send()).status).toBe(429);
  });

  it('fails exactly the next N sends and counts every request', async () => {
    fault({ error_code: 130429, count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([400, 400, 200]);
    expect(t.simulator.requests.counts(number.phone_number_id)).toEqual({ messages: 3 });
    expect(t.simulator.faults.list(number.phone_number_id)).toEqual([]);
  });

  it('plays a fault only on its endpoint, or on any with "any"', async () => {
    fault({ endpoint: 'media_upload', error_code: 131053 });
    expect((await send()).status).toBe(200);
    expect(t.simulator.faults.list(number.phone_number_id)).toHaveLength(1);
    t.simulator.faults.clear(number.phone_number_id);
    fault({ endpoint: 'any', error_code: 131000 });
    expect((await send()).status).toBe(500);
  });

  it('delays the answer, then serves the send normally (a slow Meta that still sent it)', async () => {
    fault({ delay_ms: 300 });
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { id: string }[] };
    await t.simulator.settle();
    const statuses = t.simulator
      .deliveries(number.phone_number_id)
      .filter((d) => d.body.includes(messages[0]!.id));
    expect(statuses).toHaveLength(3);
  });

  it('lets a client time out on a long delay', async () => {
    fault({ delay_ms: 2000 });
    const attempt = fetch(`${t.url}/simulator/graph/v21.0/${number.phone_number_id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${number.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(TEXT),
      signal: AbortSignal.timeout(200),
    });
    await expect(attempt).rejects.toThrow(/timeout|aborted/i);
  });

  it('answers malformed JSON with 200 and sends nothing', async () => {
    const before = t.simulator.deliveries(number.phone_number_id).length;
    fault({ malformed: true });
    const res = await send();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    await t.simulator.settle();
    expect(t.simulator.deliveries(number.phone_number_id)).toHaveLength(before);
  });

  it('drops the connection without an answer', async () => {
    fault({ disconnect: true });
    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(200);
  });

  it('keeps each request with its exact body and answer, so "sent exactly once" can be asserted', async () => {
    const raw = JSON.stringify({ ...TEXT, text: { body: 'exactly once' } });
    await fetch(`${t.url}/simulator/graph/v21.0/${number.phone_number_id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${number.access_token}`, 'content-type': 'application/json' },
      body: raw,
    });
    const sent = t.simulator.requests.list(number.phone_number_id, 'messages');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ raw_body: raw, method: 'POST', status_code: 200 });
  });

  describe('control API', () => {
    const control = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, token = admin) =>
      t.request({ method, url: `/simulator${url}`, token, ...(payload ? { payload } : {}) });
    const q = () => `phone_number_id=${number.phone_number_id}`;

    it('adds, lists and clears faults', async () => {
      const added = await control('POST', '/faults', {
        phone_number_id: number.phone_number_id,
        error_code: 131056,
        count: 2,
      });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({
        endpoint: 'messages',
        count: 2,
        remaining: 2,
        error_code: 131056,
      });
      expect((await send()).status).toBe(400);
      expect((await control('GET', `/faults?${q()}`)).json().data[0].remaining).toBe(1);
      expect((await control('DELETE', `/faults?${q()}`)).statusCode).toBe(204);
      expect((await send()).status).toBe(200);
    });

    it('refuses a fault that does nothing', async () => {
      const res = await control('POST', '/faults', { phone_number_id: number.phone_number_id });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
    });

    it('lists requests per endpoint with counts, and forgets them', async () => {
      await send();
      await send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.x' });
      const res = await control('GET', `/requests?${q()}&endpoint=messages`);
      expect(res.statusCode).toBe(200);
      expect(res.json().counts).toEqual({ messages: 2 });
      expect(res.json().data.map((r: { body: { status?: string } }) => r.body.status ?? 'send')).toEqual([
        'send',
        'read',
      ]);
      expect((await control('DELETE', `/requests?${q()}`)).statusCode).toBe(204);
      expect((await control('GET', `/requests?${q()}`)).json().data).toEqual([]);
    });

    it("never shows or touches another tenant's number", async () => {
      const other = await registerTenant(t, 'Other');
      expect((await control('GET', `/requests?${q()}`, undefined, other)).statusCode).toBe(404);
      const res = await control(
        'POST',
        '/faults',
        { phone_number_id: number.phone_number_id, error_code: 100 },
        other,
      );
      expect(res.statusCode).toBe(404);
      expect(t.simulator.faults.list(number.phone_number_id)).toEqual([]);
    });

    it('sets and resets recipient behaviour', async () => {
      const set = await t.request({
        method: 'PUT',
        url: '/simulator/recipients',
        token: admin,
        payload: { phone_number_id: number.phone_number_id, wa_id: '16505559999', fail_with_code: 131026 },
      });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toMatchObject({ never_read: false, fail_with_code: 131026 });
      expect(t.simulator.recipients.get(number.phone_number_id, '16505559999')?.fail_with_code).toBe(131026);
      const reset = await control('DELETE', `/recipients?${q()}&wa_id=16505559999`);
      expect(reset.statusCode).toBe(204);
      expect(t.simulator.recipients.get(number.phone_number_id, '16505559999')).toBeUndefined();
    });
  });
});
