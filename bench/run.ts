import { execSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchApp } from './lib/app.js';
import { ADMIN_URL, scalar, serverVersion } from './lib/db.js';
import { markdownTable, row, type ResultRow } from './lib/results.js';
import { ensureBuilt, root } from './lib/server.js';
import { fanout, fanoutRows, type FanoutResult } from './fanout.js';
import { benchIngest } from './ingest.js';
import { outboundAtPace, outboundRows } from './outbound.js';
import { readRows, readUnderLoad } from './read.js';
import { soak, soakRows } from './soak.js';
import { webhookBatch, webhookBatchRows, type BatchResult } from './webhook-batch.js';

/**
 * `npm run bench`: every benchmark of issue 8 against the services mode (PostgreSQL + Redis on
 * this machine), baselines measured in the same run, results in bench/RESULTS.md + results.json.
 * `--quick` shrinks sizes and durations for a smoke run (results are then not written).
 */
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'soak-seconds': { type: 'string' },
  },
});
const quick = args.quick;
const only = new Set(args.only?.split(',') ?? ['ingest', 'read', 'fanout', 'outbound', 'soak', 'batch']);
const SMALL = { conversations: 1_000, messagesPerConversation: 10, agents: 50 };
const LARGE = quick
  ? { conversations: 2_000, messagesPerConversation: 10, agents: 200 }
  : { conversations: 100_000, messagesPerConversation: 10, agents: 5_000 };

const version = (pkg: string) =>
  (
    JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

async function main() {
  // The machine is shared: what else ran when the benchmark started.
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  ensureBuilt();
  const rows: ResultRow[] = [];
  const details: Record<string, unknown> = {};

  if (only.has('ingest')) {
    const app = await startBenchApp(LARGE);
    try {
      const r = await benchIngest(app, {
        rates: quick ? [100, 400] : [50, 100, 200, 400, 800, 1600],
        seconds: quick ? 3 : 8,
        burst: 3000,
      });
      rows.push(...r.rows);
      details.ingest = r;
    } finally {
      await app.stop();
    }
  }

  if (only.has('read')) {
    // Background ingest well below its saturation (webhook ingest above), so reads are what is
    // measured; the target's 200 pages/s, and a quarter of it to show the latency below saturation.
    const read: Record<string, unknown> = {};
    for (const rate of [200, 50]) {
      const o = { rate, seconds: quick ? 5 : 20, ingestRate: 20, searchRate: 2 };
      const small = await startBenchApp(SMALL);
      const smallResult = await readUnderLoad(small, o).finally(() => small.stop());
      const large = await startBenchApp(LARGE);
      const largeResult = await readUnderLoad(large, o).finally(() => large.stop());
      console.log(JSON.stringify({ rate, smallResult, largeResult }));
      rows.push(...readRows(smallResult, largeResult, o));
      read[`${rate}/s`] = { small: smallResult, large: largeResult };
    }
    details.read = read;
  }

  if (only.has('fanout')) {
    // The target's 500 msg/s, unless the ingest benchmark found the server stores fewer: above its
    // sustained rate the queue grows and the latency measured would be the backlog's.
    const sustained = (details.ingest as { sustained?: number } | undefined)?.sustained;
    const rate = quick ? 50 : Math.min(500, sustained ? Math.max(10, Math.floor(sustained * 0.7)) : 500);
    const o = { rate, seconds: quick ? 3 : 8 };
    const results: FanoutResult[] = [];
    for (const agents of quick ? [100] : [1000, 5000]) {
      const app = await startBenchApp(LARGE);
      try {
        console.log(`fan-out: ${agents} agents`);
        const r = await fanout(app, agents, o);
        console.log('  ', JSON.stringify(r));
        results.push(r);
      } catch (err) {
        // One size failing (say, sockets that never all connect) is a result, not the end of the run.
        console.warn(`fan-out with ${agents} agents failed:`, err);
        rows.push(
          row('fan-out (Socket.IO)', `${agents} agents: run failed (${String(err)})`, 0, '', {
            target: 'completes',
            met: false,
          }),
        );
      } finally {
        await app.stop();
      }
    }
    rows.push(...fanoutRows(results, o.rate));
    details.fanout = results;
  }

  if (only.has('outbound')) {
    const results = [];
    for (const pace of [80, 1000]) {
      console.log(`outbound: paced at ${pace}/s`);
      const r = await outboundAtPace(LARGE, pace, quick ? Math.min(500, pace * 4) : 10_000);
      console.log('  ', JSON.stringify(r));
      results.push(r);
    }
    rows.push(...outboundRows(results));
    details.outbound = results;
  }

  if (only.has('soak')) {
    const seconds = Number(args['soak-seconds'] ?? (quick ? 20 : 600));
    const app = await startBenchApp(LARGE);
    try {
      console.log(`soak: ${seconds} s`);
      const r = await soak(app, seconds);
      console.log('  ', JSON.stringify({ ...r, rss: undefined }));
      rows.push(...soakRows(r));
      details.soak = r;
    } finally {
      await app.stop();
    }
  }

  if (only.has('batch')) {
    // Issue 13: one large webhook must not stall the process, in either mode.
    const results: BatchResult[] = [];
    for (const mode of ['embedded', 'services'] as const) {
      console.log(`webhook batch: ${mode}`);
      const r = await webhookBatch(mode, quick ? 200 : 2000);
      console.log('  ', JSON.stringify(r));
      results.push(r);
    }
    rows.push(...webhookBatchRows(results));
    details.batch = results;
  }

  const machine: Record<string, unknown> & { date: string; commit: string } = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: await serverVersion(),
    postgres_autovacuum: await scalar<string>(ADMIN_URL, 'select current_setting($1) as v', ['autovacuum']),
    load_average_at_start: loadAtStart,
    redis: execSync('redis-server --version', { encoding: 'utf8' }).trim(),
    fastify: version('fastify'),
    'socket.io': version('socket.io'),
    'pg-boss': version('pg-boss'),
    commit: execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim(),
  };
  console.log(markdownTable(rows));
  if (quick) {
    console.log('(quick run: bench/RESULTS.md and results.json left as they are)');
    return;
  }
  const run = { date: machine.date, commit: machine.commit, load_average_at_start: loadAtStart };
  const fresh: Stored = {
    machine,
    runs: Object.fromEntries([...only].map((b) => [b, run])),
    rows,
    details,
  };
  // A partial run (--only) replaces its sections in the stored results and keeps the others.
  const stored = args.only ? readStored() : undefined;
  const merged: Stored = stored
    ? {
        machine,
        runs: { ...stored.runs, ...fresh.runs },
        rows: [...stored.rows.filter((r) => !only.has(benchOf(r) ?? '')), ...rows].sort(
          (a, b) => BENCHES.indexOf(benchOf(a) ?? '') - BENCHES.indexOf(benchOf(b) ?? ''),
        ),
        details: { ...stored.details, ...details },
      }
    : fresh;
  writeFileSync(RESULTS_JSON, JSON.stringify(merged, null, 2) + '\n');
  writeFileSync(path.join(root, 'bench', 'RESULTS.md'), renderResults(merged));
}

const BENCHES = ['ingest', 'read', 'fanout', 'outbound', 'soak', 'batch'];
/** Which benchmark wrote a row, from its section's name. */
const SECTION_PREFIXES: [string, string][] = [
  ['webhook ingest', 'ingest'],
  ['read API', 'read'],
  ['fan-out', 'fanout'],
  ['outbound', 'outbound'],
  ['soak', 'soak'],
  ['webhook batch', 'batch'],
];
const benchOf = (r: ResultRow) => SECTION_PREFIXES.find(([prefix]) => r.section.startsWith(prefix))?.[1];

interface Stored {
  machine: Record<string, unknown>;
  /** When each benchmark last ran, at which commit, on how busy a machine. */
  runs?: Record<string, { date: unknown; commit: unknown; load_average_at_start: string }>;
  rows: ResultRow[];
  details: Record<string, unknown>;
}
const RESULTS_JSON = path.join(root, 'bench', 'results.json');

function readStored(): Stored | undefined {
  try {
    return JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as Stored;
  } catch {
    return undefined;
  }
}

function renderResults(r: Stored): string {
  const head = Object.entries(r.machine)
    .filter(([k]) => !['date', 'commit', 'load_average_at_start'].includes(k))
    .map(([k, v]) => `- ${k}: ${String(v)}`)
    .join('\n');
  const runs = Object.entries(r.runs ?? {})
    .map(
      ([b, run]) =>
        `- ${b}: ${String(run.date)}, commit ${String(run.commit)}, load average ${run.load_average_at_start}`,
    )
    .join('\n');
  return `# Benchmark results\n\nWritten by \`npm run bench\` (bench/run.ts). Machine and versions:\n\n${head}\n\nRuns (a partial run, \`--only\`, replaces its sections):\n\n${runs}\n\n${markdownTable(r.rows)}\n`;
}

await main();
