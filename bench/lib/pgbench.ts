import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withClient } from './db.js';

/**
 * The database's own ceiling for the ingest benchmark: pgbench running single-row INSERTs (one
 * commit each, like a webhook's intake) into a scratch table of the same database, same run.
 */
export async function pgbenchInsertRate(databaseUrl: string, seconds = 10, clients = 8): Promise<number> {
  await withClient(databaseUrl, (c) =>
    c.query(
      `drop table if exists bench_baseline;
       create table bench_baseline (id bigserial primary key, payload jsonb not null,
                                    created_at timestamptz not null default now())`,
    ),
  );
  const script = path.join(tmpdir(), 'apice-bench-insert.sql');
  writeFileSync(
    script,
    `insert into bench_baseline (payload) values ('{"object":"whatsapp_business_account"}');\n`,
  );
  const url = new URL(databaseUrl);
  const out = spawnSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      url.pathname.slice(1),
    ],
    { encoding: 'utf8' },
  );
  const tps = /tps = ([\d.]+)/.exec(out.stdout)?.[1];
  if (!tps) throw new Error(`pgbench failed: ${out.stderr || out.stdout}`);
  await withClient(databaseUrl, (c) => c.query('drop table bench_baseline'));
  return Number(tps);
}
