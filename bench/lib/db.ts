import pg from 'pg';

/** The services-mode server the benchmarks run against (CI's and this machine's defaults). */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

// A few kept connections per database: progress polls run every 50 ms, and a new PostgreSQL
// connection each time would load the database being measured.
const pools = new Map<string, pg.Pool>();

function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 3, idleTimeoutMillis: 2_000, allowExitOnIdle: true });
    // A dropped database ends its idle connections; the next query opens a new one.
    pool.on('error', () => undefined);
    pools.set(url, pool);
  }
  return pool;
}

export async function withClient<T>(url: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await poolFor(url).connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return withClient(ADMIN_URL, async (c) => {
    const res = await c.query('select 1 from pg_database where datname = $1', [name]);
    return res.rowCount === 1;
  });
}

export async function recreateDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"`);
  });
}

export async function scalar<T>(url: string, text: string, values: unknown[] = []): Promise<T> {
  return withClient(url, async (c) => (await c.query<{ v: T }>(text, values)).rows[0]?.v as T);
}

export async function serverVersion(): Promise<string> {
  return scalar<string>(ADMIN_URL, 'select current_setting($1) as v', ['server_version']);
}

/**
 * What autovacuum would do, for a PostgreSQL that runs without it (this machine's test server has
 * autovacuum = off): the job and event tables grow by thousands of rows a minute, and with
 * statistics from when they were empty the planner scans them whole on every job fetch.
 * Returns a stop function; a no-op where autovacuum is on.
 */
export async function keepAnalyzed(url: string, everyMs = 20_000): Promise<() => Promise<void>> {
  if ((await scalar<string>(url, 'select current_setting($1) as v', ['autovacuum'])) === 'on') {
    return () => Promise.resolve();
  }
  const round = () =>
    withClient(url, async (c) => {
      await c.query(
        'vacuum (analyze) pgboss.job_common, webhook_events, conversations, whatsapp_pending_statuses',
      );
      await c.query('analyze messages, contacts');
    });
  await round();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(round).catch((err: unknown) => console.warn('bench maintenance:', err));
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
