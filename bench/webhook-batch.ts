import { signBody, textBatchBody } from '../test/helpers/whatsapp-fixtures.js';
import { recreateDatabase, REDIS_URL, urlFor } from './lib/db.js';
import { json, request } from './lib/http.js';
import { row, type ResultRow } from './lib/results.js';
import { startServer } from './lib/server.js';
import { sleep, summarize, type Summary } from './lib/stats.js';

const NUMBER = { phone_number_id: '190000000000077', business_account_id: '190000000000078' };
const APP_SECRET = 'bench-batch-app-secret';

export interface BatchResult {
  mode: 'embedded' | 'services';
  messages: number;
  /** The POST's own answer (the event is stored, processing is a job). */
  postMs: number;
  /** From the POST until the last message of the batch was stored. */
  storedMs: number;
  /** GET /health every 50 ms while the batch was processed. */
  health: Summary;
  /** Messages of the batch found stored at the end (must equal `messages`). */
  stored: number;
}

/**
 * One signed webhook carrying `messages` text messages of one customer, on a fresh server of the
 * given mode: how long until all are stored, and how long /health waited meanwhile (issue 13).
 */
export async function webhookBatch(mode: BatchResult['mode'], messages: number): Promise<BatchResult> {
  const env: Record<string, string> = { WEBHOOK_MAX_UPDATES: String(messages) };
  if (mode === 'services') {
    await recreateDatabase('apice_bench_batch');
    Object.assign(env, { DATABASE_URL: urlFor('apice_bench_batch'), REDIS_URL });
  }
  const server = await startServer(env);
  try {
    const base = server.base;
    const { access_token: token } = await json<{ access_token: string }>(`${base}/api/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'admin123' }),
    });
    const api = <T>(method: string, path: string, body?: unknown) =>
      json<T>(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const integration = await api<{ id: string }>('POST', '/whatsapp-integration-config', {
      name: 'Batch number',
      ...NUMBER,
      access_token: 'bench-batch-token',
      app_secret: APP_SECRET,
    });
    const body = textBatchBody(NUMBER, `wamid.bench.batch.${Date.now()}.`, messages);

    const health: number[] = [];
    let processing = true;
    const probe = (async () => {
      while (processing) {
        health.push((await request(`${base}/health`)).ms);
        await sleep(50);
      }
    })();
    const started = performance.now();
    const post = await request(`${base}/api/v1/meta-whatsapp/webhook`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
    });
    if (post.status !== 200) throw new Error(`webhook answered ${post.status}: ${post.body}`);
    const storedCount = async () => {
      const list = await api<{ data: { id: string }[] }>(
        'GET',
        `/conversations?integration_id=${integration.id}&limit=1`,
      );
      const id = list.data[0]?.id;
      if (!id) return 0;
      return (await api<{ meta: { total: number } }>('GET', `/messages?conversation_id=${id}&limit=1`)).meta
        .total;
    };
    let stored = 0;
    const deadline = Date.now() + 15 * 60_000;
    while ((stored = await storedCount()) < messages && Date.now() < deadline) await sleep(500);
    const storedMs = performance.now() - started;
    processing = false;
    await probe;
    return { mode, messages, postMs: post.ms, storedMs, health: summarize(health), stored };
  } finally {
    await server.stop();
  }
}

export function webhookBatchRows(results: BatchResult[]): ResultRow[] {
  return results.flatMap((r) => {
    const S = `webhook batch (${r.mode})`;
    const n = `${r.messages} messages in one POST`;
    return [
      row(S, `${n}: messages stored per second`, (r.stored / r.storedMs) * 1000, 'msg/s', {
        note: `${r.stored}/${r.messages} stored in ${Math.round(r.storedMs)} ms, POST ${Math.round(r.postMs)} ms`,
        target: 'every message stored once',
        met: r.stored === r.messages,
      }),
      row(S, `${n}: max /health latency while processed`, r.health.max, 'ms', {
        note: `p50 ${r.health.p50} ms, p99 ${r.health.p99} ms, ${r.health.count} probes`,
        target: '< 1000 ms',
        met: r.health.max < 1000,
      }),
    ];
  });
}
