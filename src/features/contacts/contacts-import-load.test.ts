import { count, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHealth } from '../../../test/helpers/health-probe.js';
import { createListeningApp, type ListeningApp } from '../../../test/helpers/listening-app.js';
import { multipart } from './contacts-csv.test-helpers.js';
import { contacts } from './contacts.table.js';

const ROWS = 20_000;

describe('a large contacts import', () => {
  let t: ListeningApp;
  beforeAll(async () => {
    t = await createListeningApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps /health answering under a second while 20,000 rows are imported, and imports them all', async () => {
    const csv = ['name,phone_number,email,attributes'];
    for (let i = 0; i < ROWS; i++) {
      csv.push(`Person ${i},+1555${String(i).padStart(7, '0')},p${i}@example.test,"{""plan"":""gold""}"`);
    }
    const { payload, headers } = multipart(csv.join('\n'));
    const probe = probeHealth(t.url);
    const res = await fetch(`${t.url}/api/v1/contacts/import`, {
      method: 'POST',
      body: payload,
      headers: { ...headers, authorization: `Bearer ${await t.adminToken()}` },
    });
    const latencies = await probe.stop();

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: ROWS, updated: 0, failed: [] });
    expect(latencies.length).toBeGreaterThan(10);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    const [stored] = await t.deps.database.db
      .select({ n: count() })
      .from(contacts)
      .where(like(contacts.email, '%@example.test'));
    expect(stored!.n).toBe(ROWS);
  }, 120_000);
});
