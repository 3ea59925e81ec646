import http from 'node:http';

/** Keep-alive HTTP for load generation: node:http, not fetch, to keep client overhead small. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: string;
  ms: number;
}

export function request(
  url: string,
  options: {
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent,
        headers: options.headers,
        timeout: options.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
      },
    );
    // A refused or dropped request counts as status 0: the benchmark reports it as an error.
    req.on('error', () => resolve({ status: 0, body: '', ms: performance.now() - started }));
    req.on('timeout', () => req.destroy());
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export async function json<T>(url: string, options: Parameters<typeof request>[1] = {}): Promise<T> {
  const answer = await request(url, {
    ...options,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
  if (answer.status >= 300)
    throw new Error(`${options.method ?? 'GET'} ${url} -> ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as T;
}

export interface OpenLoopResult {
  sent: number;
  /** Arrivals skipped because maxInFlight requests were still waiting (the server fell behind). */
  skipped: number;
  elapsedMs: number;
}

/**
 * Fires `fire(i)` at a fixed arrival rate for durationMs, independent of answer times (an open
 * loop, so a slow server shows up as latency, not as a politely lower rate). Resolves once every
 * request answered.
 */
export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  fire: (i: number) => Promise<unknown>,
  maxInFlight = 2000,
): Promise<OpenLoopResult> {
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const started = performance.now();
  const pending = new Set<Promise<unknown>>();
  let skipped = 0;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (pending.size >= maxInFlight) {
      skipped++;
      continue;
    }
    const p: Promise<unknown> = fire(i).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  return { sent: total - skipped, skipped, elapsedMs: performance.now() - started };
}
