import { Writable } from 'node:stream';
import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.js';
import { connectNumber } from '../../test/helpers/listening-app.js';
import { signBody, toWireBody } from '../../test/helpers/whatsapp-fixtures.js';
import { webhookEvents } from '../features/webhooks/webhooks.table.js';
import { createLogger } from '../logger.js';
import { envelope, FIXTURE_NUMBER, textWebhook, WEBHOOK } from './inbound/inbound.test-helpers.js';

const DEPLOYMENT_SECRET = 'deployment_app_secret';
const UNKNOWN_NUMBER = { ...FIXTURE_NUMBER, phone_number_id: '999000999', business_account_id: '999000998' };
const ANA = { from: '34612345678', name: 'Ana' };

/** The app's log lines as JSON, written to a stream instead of stdout. */
function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger('info', { destination: stream }),
    text: () => lines.join('\n'),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const post = (t: TestApp, body: string, signature?: string) =>
  t.request({
    method: 'POST',
    url: WEBHOOK,
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    payload: body,
  });

const storedEvents = async (t: TestApp) =>
  (await t.deps.database.db.select({ n: count() }).from(webhookEvents))[0]!.n;

/** Objects nested `depth` levels deep. */
const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

const jobsOf = async (t: TestApp, eventId: string) => {
  const res = await t.deps.database.db.execute(
    sql`select count(*)::int as n from pgboss.job where name = 'whatsapp-webhook' and data->>'eventId' = ${eventId}`,
  );
  return (res as { rows: { n: number }[] }).rows[0]!.n;
};

describe('webhook verification without a deployment-wide WHATSAPP_APP_SECRET', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await connectNumber(t, undefined, FIXTURE_NUMBER);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.deps.database.db.delete(webhookEvents);
  });

  const expectRefused = async (body: string, signature: string | undefined, why: string) => {
    const res = await post(t, body, signature);
    expect(res.statusCode, why).toBe(403);
    expect(res.headers['content-type'], why).toMatch(/application\/problem\+json/);
    expect(res.json().code, why).toBe('INVALID_SIGNATURE');
  };

  it('refuses an event for a number no integration knows, however it is signed, and stores nothing', async () => {
    const body = toWireBody(textWebhook(ANA, 'wamid.u-1', 'hola'));
    const unknown = body.replaceAll(FIXTURE_NUMBER.phone_number_id, UNKNOWN_NUMBER.phone_number_id);
    for (const [why, signature] of [
      ['unsigned', undefined],
      ['malformed', 'sha256=deadbeef'],
      ['some secret', signBody(unknown, 'whatever')],
      ["a connected number's secret", signBody(unknown, FIXTURE_NUMBER.app_secret)],
    ] as const) {
      await expectRefused(unknown, signature, why);
    }
    expect(await storedEvents(t)).toBe(0);
  });

  it('refuses bodies that name no number (nothing to verify them with): nothing stored', async () => {
    const filler = JSON.stringify({ filler: 'x'.repeat(2 * 1024 * 1024) });
    for (const body of ['{"object":"whatsapp_business_account","entry":[]}', '{}', '[]', '"text"', filler]) {
      await expectRefused(body, undefined, body.slice(0, 40));
      await expectRefused(body, signBody(body, 'whatever'), body.slice(0, 40));
    }
    expect(await storedEvents(t)).toBe(0);
  });

  it('refuses an unsigned or wrongly signed event for a connected number: nothing stored', async () => {
    const body = toWireBody(textWebhook(ANA, 'wamid.k-1', 'hola'));
    for (const signature of [undefined, signBody(body, 'wrong'), signBody(body, DEPLOYMENT_SECRET)]) {
      await expectRefused(body, signature, String(signature));
    }
    expect(await storedEvents(t)).toBe(0);
  });
});

describe('webhook verification with WHATSAPP_APP_SECRET', () => {
  let t: TestApp;
  const logs = logCapture();
  beforeAll(async () => {
    t = await createTestApp({ WHATSAPP_APP_SECRET: DEPLOYMENT_SECRET }, { logger: logs.logger });
    await connectNumber(t, undefined, FIXTURE_NUMBER);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await t.deps.database.db.delete(webhookEvents);
  });

  it('keeps an event for an unknown number signed with it as unmatched (logged), with no job', async () => {
    const body = toWireBody(envelope({ statuses: [] }, UNKNOWN_NUMBER));
    const res = await post(t, body, signBody(body, DEPLOYMENT_SECRET));
    expect(res.statusCode).toBe(200);
    const [event, ...more] = await t.deps.database.db.select().from(webhookEvents);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      status: 'unmatched',
      tenantId: null,
      integrationId: null,
      phoneNumberId: UNKNOWN_NUMBER.phone_number_id,
      rawBody: body,
    });
    expect(await jobsOf(t, event!.id)).toBe(0);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 40,
        phoneNumberId: UNKNOWN_NUMBER.phone_number_id,
        msg: expect.stringMatching(/unmatched/),
      }),
    );
  });

  it('keeps a signed body that names no number as unmatched too', async () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    expect((await post(t, body, signBody(body, DEPLOYMENT_SECRET))).statusCode).toBe(200);
    const [event] = await t.deps.database.db.select().from(webhookEvents);
    expect(event).toMatchObject({ status: 'unmatched', tenantId: null, rawBody: body });
  });

  it('still refuses such events unsigned or signed with another secret', async () => {
    const body = toWireBody(envelope({ statuses: [] }, UNKNOWN_NUMBER));
    for (const signature of [undefined, signBody(body, FIXTURE_NUMBER.app_secret), signBody(body, 'x')]) {
      const res = await post(t, body, signature);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('INVALID_SIGNATURE');
    }
    expect(await storedEvents(t)).toBe(0);
  });

  it('answers JSON nested deeper than 32 levels with 400 VALIDATION_ERROR and stores nothing', async () => {
    const known = toWireBody(textWebhook(ANA, 'wamid.d-1', 'hola')).replace(/}$/, `,"deep":${nested(40)}}`);
    const unknown = `{"object":"whatsapp_business_account","entry":[],"deep":${nested(100_000)}}`;
    for (const [body, secret] of [
      [known, FIXTURE_NUMBER.app_secret],
      [unknown, DEPLOYMENT_SECRET],
    ] as const) {
      const res = await post(t, body, signBody(body, secret));
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', errors: [expect.any(Object)] });
    }
    expect(await storedEvents(t)).toBe(0);
    // 32 levels are fine.
    const edge = `{"object":"whatsapp_business_account","entry":[],"deep":${nested(31)}}`;
    expect((await post(t, edge, signBody(edge, DEPLOYMENT_SECRET))).statusCode).toBe(200);
  });
});

describe('webhook handshake: wrong hub.verify_token guesses', () => {
  let t: TestApp;
  const RIGHT = 'the-right-verify-token';
  beforeAll(async () => {
    t = await createTestApp({ WHATSAPP_WEBHOOK_VERIFY_TOKEN: RIGHT });
  });
  afterAll(async () => {
    await t.close();
  });
  const handshake = (token: string, ip: string) =>
    t.request({
      method: 'GET',
      url: `${WEBHOOK}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${token}`,
      remoteAddress: ip,
    });

  it('answers more than 10 wrong guesses a minute from one IP with 429, then refuses that IP', async () => {
    const guesser = '203.0.113.7';
    for (let i = 1; i <= 10; i++)
      expect((await handshake(`guess-${i}`, guesser)).statusCode, `${i}`).toBe(403);
    const limited = await handshake('guess-11', guesser);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // While blocked, even the right token is refused: a guess learns nothing.
    expect((await handshake(RIGHT, guesser)).statusCode).toBe(429);
    // Other IPs are counted on their own.
    const meta = '198.51.100.20';
    expect((await handshake('wrong', meta)).statusCode).toBe(403);
    const ok = await handshake(RIGHT, meta);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('42');
  });

  it('does not count right tokens', async () => {
    const ip = '198.51.100.30';
    for (let i = 0; i < 12; i++) expect((await handshake(RIGHT, ip)).statusCode).toBe(200);
    expect((await handshake('wrong', ip)).statusCode).toBe(403);
  });
});

describe('request logs', () => {
  let t: TestApp;
  const logs = logCapture();
  beforeAll(async () => {
    t = await createTestApp({}, { logger: logs.logger });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never show the values of tokens and other secrets in query strings', async () => {
    const secrets = [
      'verify-token-VALUE-1',
      'media-link-TOKEN-2',
      'access-TOKEN-3',
      'SIGNATURE-4',
      'search-TEXT-5',
    ];
    await t.request({
      method: 'GET',
      url: `${WEBHOOK}?hub.mode=subscribe&hub.verify_token=${secrets[0]}&hub.challenge=777`,
    });
    await t.request({ method: 'GET', url: `/api/v1/media/file?token=${secrets[1]}` });
    await t.request({
      method: 'GET',
      url: `/api/v1/nope?access_token=${secrets[2]}&X-Amz-Signature=${secrets[3]}`,
    });
    await t.request({ method: 'GET', url: `/api/v1/search?q=${secrets[4]}&limit=5` });
    const text = logs.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
    const urls = logs
      .entries()
      .flatMap((e) => (e.req && typeof e.req === 'object' ? [(e.req as { url: string }).url] : []));
    expect(urls).toEqual(
      expect.arrayContaining([
        `${WEBHOOK}?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=777`,
        '/api/v1/media/file?token=[redacted]',
        '/api/v1/search?q=[redacted]&limit=5',
      ]),
    );
  });
});
