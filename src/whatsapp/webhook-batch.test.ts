import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { probeHealth } from '../../test/helpers/health-probe.js';
import {
  connectNumber,
  createListeningApp,
  type ListeningApp,
  type TestNumber,
} from '../../test/helpers/listening-app.js';
import { signBody, textBatchBody } from '../../test/helpers/whatsapp-fixtures.js';

const CAP = 2000;
const WEBHOOK = '/api/v1/meta-whatsapp/webhook';

describe('a webhook carrying a large batch', () => {
  let t: ListeningApp;
  let number: TestNumber;
  beforeAll(async () => {
    t = await createListeningApp({ WEBHOOK_MAX_UPDATES: String(CAP) });
    number = await connectNumber(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: string) =>
    fetch(`${t.url}${WEBHOOK}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(body, number.app_secret),
      },
    });
  const rows = async <T>(query: ReturnType<typeof sql>) => {
    const res = await t.deps.database.db.execute(query);
    return (res as { rows: T[] }).rows;
  };
  const storedWamids = (prefix: string) =>
    rows<{ wamid: string }>(
      sql`select whatsapp_message_id as wamid from messages where whatsapp_message_id like ${`${prefix}%`} order by id`,
    );

  it('keeps /health answering under a second while 2,000 messages are stored, each exactly once and in order', async () => {
    const prefix = `wamid.batch.${Date.now()}.`;
    const probe = probeHealth(t.url);
    const res = await post(textBatchBody(number, prefix, CAP));
    expect(res.status).toBe(200);
    let stored: { wamid: string }[] = [];
    await vi.waitFor(
      async () => {
        stored = await storedWamids(prefix);
        expect(stored.length).toBeGreaterThanOrEqual(CAP);
      },
      { timeout: 240_000, interval: 1000 },
    );
    const latencies = await probe.stop();

    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(stored.map((m) => m.wamid)).toEqual(Array.from({ length: CAP }, (_, i) => `${prefix}${i}`));
    const [thread] = await rows<{ conversations: number }>(
      sql`select count(distinct conversation_id)::int as conversations from messages where whatsapp_message_id like ${`${prefix}%`}`,
    );
    expect(thread!.conversations).toBe(1);
  }, 300_000);

  it('refuses a webhook over WEBHOOK_MAX_UPDATES with 413 problem+json and stores nothing', async () => {
    const prefix = `wamid.over.${Date.now()}.`;
    const before = await rows<{ n: number }>(sql`select count(*)::int as n from webhook_events`);
    // Statuses count as updates like messages do: 1,500 + 501 is one over the cap.
    const res = await post(textBatchBody(number, prefix, 1500, CAP - 1500 + 1));

    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; status: number };
    expect(problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await rows(sql`select count(*)::int as n from webhook_events`)).toEqual(before);
    expect(await storedWamids(prefix)).toEqual([]);
  });
});
