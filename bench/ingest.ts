import type { BenchApp } from './lib/app.js';
import { scalar } from './lib/db.js';
import { openLoop } from './lib/http.js';
import { pgbenchInsertRate } from './lib/pgbench.js';
import { row, type ResultRow } from './lib/results.js';
import { summarize, until, type Summary } from './lib/stats.js';

export interface IngestStep {
  offered: number;
  post: Summary;
  /** Non-200 answers. */
  errors: number;
  /** Arrivals never sent: 2,000 POSTs were already waiting for an answer. */
  skipped: number;
  /** Messages stored per second, from the first POST until the last message was stored. */
  stored: number;
  /** From the last POST's answer until every message of the step was stored. */
  drainMs: number;
  /** webhook_events received_at -> processed_at, ms. */
  queueLag: { p50: number; p99: number };
}

const RUN = Date.now().toString(36);
let stepNo = 0;

/** Offered load of `rate` webhooks/s (one text message each) for `seconds`, then waits for the drain. */
export async function ingestStep(app: BenchApp, rate: number, seconds: number): Promise<IngestStep> {
  const prefix = `wamid.bench.${RUN}.${++stepNo}.`;
  const latencies: number[] = [];
  let errors = 0;
  const since = new Date();
  const started = performance.now();
  const load = await openLoop(rate, seconds * 1000, async (i) => {
    const customer = Math.floor(Math.random() * app.contacts);
    const answer = await app.postInbound(customer, `${prefix}${i}`, `bench ${Date.now()} step ${stepNo}`);
    latencies.push(answer.ms);
    if (answer.status !== 200) errors++;
  });
  const postsDone = performance.now();
  const expected = load.sent - errors;
  // Progress from the events' index (a LIKE over 1M messages would load the database it measures);
  // the messages themselves are counted once, at the end.
  const processed = () =>
    scalar<string>(
      app.databaseUrl,
      `select count(*) as v from webhook_events where status = 'processed' and received_at >= $1`,
      [since],
    ).then(Number);
  await until(async () => (await processed()) >= expected, 120_000, 50);
  const doneAt = performance.now();
  const count = () =>
    scalar<string>(app.databaseUrl, `select count(*) as v from messages where whatsapp_message_id like $1`, [
      `${prefix}%`,
    ]).then(Number);
  const lag = await scalar<{ p50: number; p99: number }>(
    app.databaseUrl,
    `select json_build_object(
       'p50', percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at) * 1000),
       'p99', percentile_cont(0.99) within group (order by extract(epoch from processed_at - received_at) * 1000)) as v
     from webhook_events where received_at >= $1 and processed_at is not null`,
    [since],
  );
  return {
    offered: rate,
    post: summarize(latencies),
    errors,
    skipped: load.skipped,
    stored: (Math.min(await count(), await processed()) / (doneAt - started)) * 1000,
    drainMs: doneAt - postsDone,
    queueLag: { p50: Math.round(lag.p50), p99: Math.round(lag.p99) },
  };
}

export async function benchIngest(
  app: BenchApp,
  o: { rates: number[]; seconds: number; burst: number },
): Promise<{ rows: ResultRow[]; steps: IngestStep[]; baseline: number; sustained: number }> {
  console.log('ingest: pgbench baseline');
  const baseline = await pgbenchInsertRate(app.databaseUrl);
  const steps: IngestStep[] = [];
  for (const rate of o.rates) {
    console.log(`ingest: ${rate}/s for ${o.seconds} s`);
    const step = await ingestStep(app, rate, o.seconds);
    console.log('  ', JSON.stringify(step));
    steps.push(step);
    // One step past saturation is enough: higher rates only queue more work to drain.
    if (step.stored < rate * 0.5) break;
  }
  console.log(`ingest: burst of ${o.burst} in 1 s`);
  const burst = await ingestStep(app, o.burst, 1);
  console.log('  ', JSON.stringify(burst));

  // Sustained = the best step that kept up: stored within 5 % of offered, no errors.
  const kept = steps.filter((s) => s.errors + s.skipped === 0 && s.stored >= s.offered * 0.95);
  const best = kept.length ? kept.reduce((a, b) => (b.stored > a.stored ? b : a)) : steps[0]!;
  const saturation = steps.reduce((a, b) => (b.stored > a.stored ? b : a));
  const p99 = Math.max(...(kept.length ? kept : [best]).map((s) => s.post.p99));
  const S = 'webhook ingest';
  const pg = { name: 'pgbench single-row INSERT', value: Math.round(baseline) };
  const rows = [
    row(S, 'POST p50 at sustained load', best.post.p50, 'ms', { note: `${best.offered}/s offered` }),
    row(S, `POST p99 (worst step that kept up${kept.length ? '' : ': none did, lowest step'})`, p99, 'ms', {
      target: '< 50 ms',
      met: p99 < 50,
    }),
    row(S, 'messages/s end to end, sustained', best.stored, 'msg/s', {
      baseline: pg,
      target: '>= 1000 msg/s and >= 50 % of baseline',
      met: best.stored >= 1000 && best.stored >= baseline * 0.5,
    }),
    row(S, 'messages/s at saturation', saturation.stored, 'msg/s', {
      note: `${saturation.offered}/s offered`,
    }),
    row(S, 'queue lag p50 / p99 at sustained load', best.queueLag.p99, 'ms', {
      note: `p50 ${best.queueLag.p50} ms`,
    }),
    row(S, `${o.burst}/s burst: drain after the last POST`, burst.drainMs, 'ms', {
      target: '< 5000 ms',
      met: burst.drainMs < 5000 && burst.errors + burst.skipped === 0,
      note: `POST p99 ${burst.post.p99} ms, ${burst.errors} errors, ${burst.skipped} arrivals skipped with 2,000 POSTs in flight`,
    }),
  ];
  return { rows, steps: [...steps, burst], baseline, sustained: best.stored };
}
