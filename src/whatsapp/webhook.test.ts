import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookEvents } from '../features/webhooks/webhooks.table.js';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { readFixture, signBody, toWireBody } from '../../test/helpers/whatsapp-fixtures.js';

const SECRET = 'test_app_secret';
const PHONE_ID = '106540352242922';
const WEBHOOK = '/api/v1/meta-whatsapp/webhook';

describe('WhatsApp webhook intake', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_LIMIT: '3' });
    admin = await t.adminToken();
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/whatsapp-integration-config',
      token: admin,
      payload: {
        name: 'Main',
        phone_number_id: PHONE_ID,
        access_token: 'EAAG-token',
        app_secret: SECRET,
        verify_token: 'vibecoding',
      },
    });
    expect(res.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.deps.database.db.delete(webhookEvents);
  });

  const post = (body: string, signature?: string) =>
    t.request({
      method: 'POST',
      url: WEBHOOK,
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature-256': signature } : {}),
      },
      payload: body,
    });
  const events = () => t.deps.database.db.select().from(webhookEvents);
  const jobsFor = async (eventId: string) => {
    const res = await t.deps.database.db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'whatsapp-webhook' and data->>'eventId' = ${eventId}`,
    );
    return (res as { rows: { n: number }[] }).rows[0]!.n;
  };

  describe('handshake', () => {
    it("answers the challenge as text when the token matches an integration's", async () => {
      const res = await t.request({
        method: 'GET',
        url: `${WEBHOOK}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vibecoding`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.body).toBe('1158201444');
    });

    it('answers 403 for a wrong token or mode', async () => {
      for (const q of [
        'hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope',
        'hub.mode=other&hub.challenge=1&hub.verify_token=vibecoding',
      ]) {
        const res = await t.request({ method: 'GET', url: `${WEBHOOK}?${q}` });
        expect(res.statusCode).toBe(403);
      }
    });
  });

  describe('events', () => {
    it('stores a correctly signed event durably with its processing job and answers 200', async () => {
      const body = toWireBody(readFixture('inbound/text.json'));
      const res = await post(body, signBody(body, SECRET));
      expect(res.statusCode).toBe(200);
      const [event] = await events();
      expect(event).toMatchObject({ phoneNumberId: PHONE_ID, rawBody: body });
      // The worker may already have picked it up; what matters is that it was stored and queued.
      expect(['received', 'processing', 'processed']).toContain(event!.status);
      expect(await jobsFor(event!.id)).toBe(1);
    });

    it('checks the signature over the raw bytes (\\u-escaped emoji)', async () => {
      const body = toWireBody(readFixture('inbound/reaction.json'));
      expect((await post(body, signBody(body, SECRET))).statusCode).toBe(200);
      const reencoded = JSON.stringify(JSON.parse(body));
      expect((await post(body, signBody(reencoded, SECRET))).statusCode).toBe(403);
    });

    it('refuses a bad or missing signature with 403 INVALID_SIGNATURE and stores nothing', async () => {
      const body = toWireBody(readFixture('inbound/text.json'));
      for (const sig of [signBody(body, 'wrong'), undefined, 'sha256=deadbeef']) {
        const res = await post(body, sig);
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('INVALID_SIGNATURE');
      }
      expect(await events()).toEqual([]);
    });

    it('answers 400 for a body that is not JSON and stores nothing', async () => {
      const res = await post('{"object":', signBody('{"object":', SECRET));
      expect(res.statusCode).toBe(400);
      expect(await events()).toEqual([]);
    });

    it('is not under the per-user/IP rate limit (Meta bursts)', async () => {
      const body = toWireBody(readFixture('inbound/text.json'));
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await post(body, signBody(body, SECRET))).statusCode);
      expect(codes.every((c) => c === 200)).toBe(true);
    });
  });

  describe('batches across tenants', () => {
    let other: { token: string };
    beforeAll(async () => {
      const reg = await t.request({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenant_name: 'B', name: 'B', email: 'b@b.test', password: 'correct horse' },
      });
      other = { token: reg.json().access_token };
      const batch = readFixture('inbound/batch_multi_entry_multi_change.json') as {
        entry: { changes: { value: { metadata?: { phone_number_id: string } } }[] }[];
      };
      const secondPhone = batch.entry
        .flatMap((e) => e.changes)
        .map((c) => c.value.metadata?.phone_number_id)
        .find((id) => id && id !== PHONE_ID)!;
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/whatsapp-integration-config',
        token: other.token,
        payload: {
          name: 'B main',
          phone_number_id: secondPhone,
          access_token: 'tok-b',
          app_secret: 'secret_b',
        },
      });
      expect(res.statusCode).toBe(201);
    });

    it("refuses a batch whose signature does not verify with every named integration's secret", async () => {
      const body = toWireBody(readFixture('inbound/batch_multi_entry_multi_change.json'));
      expect((await post(body, signBody(body, SECRET))).statusCode).toBe(403);
      expect(await events()).toEqual([]);
    });

    it("splits a batch into one event per tenant, each holding only that tenant's changes", async () => {
      const list = await t.request({
        method: 'GET',
        url: '/api/v1/whatsapp-integration-config',
        token: other.token,
      });
      const id = list.json().data[0].id;
      await t.request({
        method: 'PATCH',
        url: `/api/v1/whatsapp-integration-config/${id}`,
        token: other.token,
        payload: { app_secret: SECRET },
      });
      const body = toWireBody(readFixture('inbound/batch_multi_entry_multi_change.json'));
      expect((await post(body, signBody(body, SECRET))).statusCode).toBe(200);
      const stored = await events();
      expect(stored).toHaveLength(2);
      expect(new Set(stored.map((e) => e.tenantId)).size).toBe(2);
      for (const e of stored) {
        const phones = JSON.stringify(e.payload).match(/"phone_number_id":"(\d+)"/g) ?? [];
        expect(new Set(phones).size).toBe(1);
        expect(await jobsFor(e.id)).toBe(1);
      }
    });
  });
});

describe('WhatsApp integration config', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });
  const base = '/api/v1/whatsapp-integration-config';
  const create = (payload: Record<string, unknown>, token = admin) =>
    t.request({ method: 'POST', url: base, token, payload });

  it('creates an integration and never returns or stores secrets in clear', async () => {
    const res = await create({
      name: 'N',
      phone_number_id: '111',
      access_token: 'EAAG-secret-token',
      app_secret: 'app-s3cret',
      verify_token: 'vt',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ name: 'N', phone_number_id: '111', api_version: 'v21.0' });
    expect(res.body).not.toMatch(/EAAG-secret-token|app-s3cret|access_token|app_secret/);
    const rows = await t.deps.database.db.execute(sql`select * from whatsapp_integrations`);
    expect(JSON.stringify((rows as { rows: unknown[] }).rows)).not.toMatch(/EAAG-secret-token|app-s3cret/);
    const audit = await t.deps.database.db.execute(
      sql`select changes from audit_logs where entity_type = 'integration'`,
    );
    expect(JSON.stringify((audit as { rows: unknown[] }).rows)).not.toMatch(/EAAG-secret-token|app-s3cret/);
  });

  it('answers 409 when the phone_number_id is connected anywhere, even in another tenant', async () => {
    await create({ name: 'A', phone_number_id: '222', access_token: 'x' });
    const reg = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { tenant_name: 'C', name: 'C', email: 'c@c.test', password: 'correct horse' },
    });
    const res = await create(
      { name: 'A', phone_number_id: '222', access_token: 'x' },
      reg.json().access_token,
    );
    expect(res.statusCode).toBe(409);
  });

  it("answers 404 for another tenant's integration and 403 for an agent", async () => {
    const mine = (await create({ name: 'M', phone_number_id: '333', access_token: 'x' })).json();
    const reg = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { tenant_name: 'D', name: 'D', email: 'd@d.test', password: 'correct horse' },
    });
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await t.request({
        method,
        url: `${base}/${mine.id}`,
        token: reg.json().access_token,
        ...(method === 'PATCH' ? { payload: { name: 'x' } } : {}),
      });
      expect(res.statusCode, method).toBe(404);
    }
    const agent = await t.createUser('agent');
    expect((await t.request({ method: 'GET', url: base, token: agent.token })).statusCode).toBe(403);
  });

  it('updates and deletes an integration', async () => {
    const mine = (await create({ name: 'U', phone_number_id: '444', access_token: 'x' })).json();
    const patched = await t.request({
      method: 'PATCH',
      url: `${base}/${mine.id}`,
      token: admin,
      payload: { name: 'U2', api_version: 'v23.0' },
    });
    expect(patched.json()).toMatchObject({ name: 'U2', api_version: 'v23.0' });
    expect((await t.request({ method: 'DELETE', url: `${base}/${mine.id}`, token: admin })).statusCode).toBe(
      204,
    );
    expect((await t.request({ method: 'GET', url: `${base}/${mine.id}`, token: admin })).statusCode).toBe(
      404,
    );
    const rows = await t.deps.database.db.execute(
      sql`select count(*)::int as n from whatsapp_integrations where id = ${mine.id}`,
    );
    expect((rows as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});
