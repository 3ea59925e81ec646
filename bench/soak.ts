import type { BenchApp } from './lib/app.js';
import { withClient } from './lib/db.js';
import { openLoop, request } from './lib/http.js';
import { row, type ResultRow } from './lib/results.js';
import { sleep, slope } from './lib/stats.js';

export interface SoakResult {
  seconds: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  rss: [number, number][];
  /** MB per minute over the second half (after warm-up). */
  rssSlope: number;
}

/**
 * Mixed traffic for `seconds`: inbound webhooks, agents' replies (which go out through the
 * simulator and come back as status webhooks), inbox reads and searches. Server RSS is sampled
 * every 5 s; any non-2xx answer is an error.
 */
export async function soak(app: BenchApp, seconds: number): Promise<SoakResult> {
  const conversationIds = await withClient(app.databaseUrl, async (c) =>
    (
      await c.query<{ id: string }>(
        `select cv.id from conversations cv join contacts ct on ct.id = cv.contact_id
         where cv.tenant_id = $1 and ct.external_id like '491550000%' order by ct.external_id limit 50`,
        [app.tenantId],
      )
    ).rows.map((r) => r.id),
  );
  // The first 50 customers write in, so replies to them are inside the 24-hour window.
  for (let i = 0; i < 50; i++) await app.postInbound(i, `wamid.soak.open.${Date.now()}.${i}`, 'hi');
  let requests = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const count = async (what: string, p: Promise<{ status: number; body: string }>) => {
    const answer = await p;
    requests++;
    if (answer.status < 200 || answer.status >= 300) {
      errors++;
      if (errorSamples.length < 10)
        errorSamples.push(`${what} -> ${answer.status} ${answer.body.slice(0, 200)}`);
    }
  };
  const auth = { authorization: `Bearer ${app.adminToken}`, 'content-type': 'application/json' };
  const base = app.server.base;
  const ms = seconds * 1000;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;

  const rss: [number, number][] = [];
  const started = Date.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rss.push([(Date.now() - started) / 1000, Math.round(app.server.rssMb() * 10) / 10]);
      await sleep(5000);
    }
  })();
  // A mix this machine sustains (see the ingest and read sections for where it saturates): a soak
  // above capacity would measure a growing backlog, not the process.
  await Promise.all([
    openLoop(20, ms, (i) =>
      count(
        'webhook',
        app.postInbound(Math.floor(Math.random() * app.contacts), `wamid.soak.${started}.${i}`, `soak ${i}`),
      ),
    ),
    openLoop(5, ms, (i) =>
      count(
        'send',
        request(`${base}/api/v1/messages`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ conversation_id: pick(conversationIds), body: `soak reply ${i}` }),
        }),
      ),
    ),
    openLoop(8, ms, () =>
      count('list', request(`${base}/api/v1/conversations/cursor?limit=25`, { headers: auth })),
    ),
    openLoop(8, ms, () =>
      count(
        'page',
        request(`${base}/api/v1/messages/conversation/${pick(conversationIds)}/cursor?limit=50`, {
          headers: auth,
        }),
      ),
    ),
    openLoop(0.5, ms, () => count('search', request(`${base}/api/v1/search?q=refund`, { headers: auth }))),
  ]);
  sampling = false;
  await sampler;
  const secondHalf = rss.filter(([t]) => t >= seconds / 2);
  return {
    seconds,
    requests,
    errors,
    errorSamples,
    rss,
    rssSlope: Math.round(slope(secondHalf) * 60 * 100) / 100,
  };
}

export function soakRows(r: SoakResult): ResultRow[] {
  const S = `soak (${Math.round(r.seconds / 60)} min: 20 webhooks/s, 5 sends/s, 16 reads/s, 1 search/2 s)`;
  const first = r.rss[0]?.[1] ?? 0;
  const last = r.rss.at(-1)?.[1] ?? 0;
  return [
    row(S, 'error responses', r.errors, 'responses', {
      target: '0',
      met: r.errors === 0,
      note: `${r.requests} requests`,
    }),
    row(S, 'RSS trend over the second half', r.rssSlope, 'MB/min', {
      target: 'no growth trend (< 1 MB/min)',
      met: r.rssSlope < 1,
      note: `RSS ${first} -> ${last} MB`,
    }),
  ];
}
