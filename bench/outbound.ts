import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { createQueue } from '../src/platform/queue.js';
import { createOutboundJobs } from '../src/whatsapp/outbound/enqueue.js';
import { outboundQueues } from '../src/whatsapp/outbound/outbound-queues.js';
import { PHONE_NUMBER_ID, startBenchApp, type BenchApp } from './lib/app.js';
import { withClient } from './lib/db.js';
import { request } from './lib/http.js';
import { row, type ResultRow } from './lib/results.js';
import type { SeedSize } from './lib/seed.js';
import { percentile, sleep, until } from './lib/stats.js';

export interface OutboundResult {
  pace: number;
  queued: number;
  achieved: number;
  sent: number;
  failed: number;
  lost: number;
  duplicated: number;
  graphRequests: number;
}

const CONVERSATIONS = 50;

/**
 * `count` sends queued while no server runs (rows + jobs through the app's own enqueue path, in
 * one transaction), then a server paced at `pace`/s drains them against the built-in simulator.
 * Every Graph request is read back from the simulator's log to count duplicates.
 */
export async function outboundAtPace(size: SeedSize, pace: number, count: number): Promise<OutboundResult> {
  // Status webhooks are left to the ingest benchmark: at 1,000 sends/s they would triple the
  // inbound load and measure that instead of the pacing.
  const env = {
    WHATSAPP_SEND_RATE: String(pace),
    WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: '3600000,3600000,3600000',
  };
  const tag = `out${pace}.${Date.now().toString(36)}`;
  let app: BenchApp = await startBenchApp(size, env);
  const customers = Array.from({ length: CONVERSATIONS }, (_v, i) => i);
  // Customers write in first, so the 24-hour windows are open.
  for (const c of customers) await app.postInbound(c, `wamid.${tag}.in.${c}`, 'hello');
  await until(
    async () =>
      Number(
        (
          await withClient(app.databaseUrl, (c) =>
            c.query<{ n: string }>(`select count(*) as n from messages where whatsapp_message_id like $1`, [
              `wamid.${tag}.in.%`,
            ]),
          )
        ).rows[0]?.n,
      ) === customers.length,
    60_000,
  );
  const { tenantId, databaseUrl } = app;
  await app.stop();

  await enqueueSends(databaseUrl, tenantId, tag, count);

  app = await startBenchApp(size, env);
  const seen = new Map<number, string>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const answer = await request(
        `${app.server.base}/simulator/requests?phone_number_id=${PHONE_NUMBER_ID}&endpoint=messages`,
        { headers: { authorization: `Bearer ${app.adminToken}` } },
      );
      if (answer.status === 200) {
        const page = JSON.parse(answer.body) as {
          data: { id: number; body: { text?: { body?: string } }; status_code: number }[];
        };
        for (const r of page.data) if (r.status_code === 200) seen.set(r.id, r.body.text?.body ?? '');
      }
      await sleep(pace > 200 ? 250 : 1000);
    }
  })();
  const done = () =>
    withClient(databaseUrl, async (c) =>
      Number(
        (
          await c.query<{ n: string }>(
            `select count(*) as n from messages where tenant_id = $1 and body like $2 and whatsapp_status <> 'pending'`,
            [tenantId, `${tag} %`],
          )
        ).rows[0]?.n,
      ),
    );
  // Until every send has an outcome, or nothing moved for 30 s (what is left then is lost).
  let last = -1;
  let now = await done();
  while (now < count && now > last) {
    last = now;
    await until(async () => (now = await done()) >= count, 30_000, 500);
  }
  await sleep(1500);
  polling = false;
  await poller;
  const stats = await withClient(databaseUrl, async (c) => {
    const rows = (
      await c.query<{ status: string; sent_ms: string | null }>(
        `select whatsapp_status as status, extract(epoch from sent_at) * 1000 as sent_ms from messages
         where tenant_id = $1 and body like $2`,
        [tenantId, `${tag} %`],
      )
    ).rows;
    return rows;
  });
  await app.stop();

  const times = stats.flatMap((r) => (r.sent_ms ? [Number(r.sent_ms)] : [])).sort((a, b) => a - b);
  // Steady state: the middle 80 % of the sends (start-up and the tail are not the pace).
  const t10 = percentile(times, 10);
  const t90 = percentile(times, 90);
  const achieved = ((times.length * 0.8) / (t90 - t10)) * 1000;
  const perBody = new Map<string, number>();
  for (const body of seen.values()) if (body.startsWith(tag)) perBody.set(body, (perBody.get(body) ?? 0) + 1);
  const sent = stats.filter((r) => ['sent', 'delivered', 'read'].includes(r.status)).length;
  return {
    pace,
    queued: count,
    achieved: Math.round(achieved * 10) / 10,
    sent,
    failed: stats.filter((r) => r.status === 'failed').length,
    lost: count - sent,
    duplicated: [...perBody.values()].filter((n) => n > 1).length,
    graphRequests: [...perBody.values()].reduce((a, b) => a + b, 0),
  };
}

async function enqueueSends(
  databaseUrl: string,
  tenantId: string,
  tag: string,
  count: number,
): Promise<void> {
  const database = await openDatabase({ url: databaseUrl, poolMax: 2 });
  const queue = createQueue(database, { queues: outboundQueues, schedule: false });
  await queue.start();
  const jobs = createOutboundJobs(queue);
  try {
    // The database is kept between runs: sends an interrupted run left behind would share the pace.
    await withClient(databaseUrl, async (c) => {
      await c.query(`delete from pgboss.job where name like 'whatsapp-%' and state < 'completed'`);
      await c.query(`update messages set whatsapp_status = 'failed' where whatsapp_status = 'pending'`);
    });
    const admin = await withClient(
      databaseUrl,
      async (c) =>
        (
          await c.query<{ id: string }>(`select id from users where tenant_id = $1 and username = 'admin'`, [
            tenantId,
          ])
        ).rows[0]!.id,
    );
    const conversations = await withClient(databaseUrl, async (c) =>
      (
        await c.query<{ id: string }>(
          `select cv.id from conversations cv join contacts ct on ct.id = cv.contact_id
           where cv.tenant_id = $1 and ct.external_id = any($2::text[])`,
          [tenantId, Array.from({ length: CONVERSATIONS }, (_v, i) => `49155${String(i).padStart(7, '0')}`)],
        )
      ).rows.map((r) => r.id),
    );
    for (let start = 0; start < count; start += 1000) {
      await database.db.transaction(async (tx) => {
        const result: unknown = await tx.execute(sql`
          insert into messages (id, tenant_id, conversation_id, sender_type, sender_user_id, type, body, whatsapp_status)
          select gen_random_uuid(), ${tenantId}::uuid,
                 (string_to_array(${conversations.join(',')}::text, ',')::uuid[])[1 + (i % ${conversations.length}::int)],
                 'user', ${admin}::uuid, 'text', ${tag}::text || ' ' || i, 'pending'
          from generate_series(${start}::int, ${Math.min(count, start + 1000) - 1}::int) i
          returning id`);
        for (const m of (result as { rows: { id: string }[] }).rows)
          await jobs.message(tx, { tenantId, id: m.id });
      });
    }
  } finally {
    await queue.stop();
    await database.close();
  }
}

export function outboundRows(results: OutboundResult[]): ResultRow[] {
  return results.map((r) =>
    row(
      'outbound (simulator)',
      `${r.queued} queued sends paced at ${r.pace}/s: achieved rate`,
      r.achieved,
      'msg/s',
      {
        baseline: { name: 'configured pace', value: r.pace },
        target: 'within 5 %, none lost or duplicated',
        met: Math.abs(r.achieved - r.pace) <= r.pace * 0.05 && r.lost === 0 && r.duplicated === 0,
        note: `${r.sent} sent, ${r.failed} failed, ${r.lost} lost, ${r.duplicated} duplicated, ${r.graphRequests} Graph requests seen`,
      },
    ),
  );
}
