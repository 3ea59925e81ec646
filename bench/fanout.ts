import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BenchApp } from './lib/app.js';
import { withClient } from './lib/db.js';
import { openLoop } from './lib/http.js';
import { row, type ResultRow } from './lib/results.js';
import { rssMb } from './lib/server.js';
import { sleep, summarize, type Summary } from './lib/stats.js';

const here = import.meta.dirname;
const forkTs = (file: string) =>
  fork(path.join(here, file), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

const once = <T>(child: ChildProcess, type: string, timeoutMs = 120_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from child in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown) => {
      const msg = m as { type: string; message?: string };
      if (msg.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(msg as T);
      }
    };
    child.on('message', onMessage);
  });

/** Agents' sockets spread over `processes` child processes; resolves once all are connected. */
async function connectClients(
  url: string,
  auths: { token?: string; room?: string }[],
  event: string,
  processes: number,
) {
  const children = Array.from({ length: processes }, () => forkTs('fanout-client.ts'));
  const per = Math.ceil(auths.length / processes);
  const started = Promise.all(
    children.map((child, i) => {
      // Connecting is paced (fanout-client.ts), and each connect costs the server a token check,
      // a database read and presence updates: allow 100 ms a socket on top of a minute.
      const ready = once(child, 'ready', 60_000 + per * 100);
      child.send({ type: 'start', url, auths: auths.slice(i * per, (i + 1) * per), event });
      return ready;
    }),
  );
  await started.catch((err: unknown) => {
    for (const child of children) child.kill();
    throw err;
  });
  return {
    async collect(): Promise<number[]> {
      const parts = await Promise.all(
        children.map((child) => {
          const got = once<{ latencies: number[] }>(child, 'latencies');
          child.send({ type: 'collect' });
          return got;
        }),
      );
      return parts.flatMap((p) => p.latencies);
    },
    stop() {
      for (const child of children) child.send({ type: 'stop' });
    },
  };
}

export interface FanoutResult {
  agents: number;
  app: {
    targeted: Summary;
    broadcast: Summary;
    rssPer1k: number;
    delivered: number;
    expected: number;
    /** How long all agents' sockets took to connect (50 at a time per client process). */
    connectSeconds: number;
  };
  bare: { targeted: Summary; broadcast: Summary; rssPer1k: number };
}

const BROADCAST = { rate: 5, seconds: 4 };

export async function fanout(
  app: BenchApp,
  agents: number,
  o: { rate: number; seconds: number },
): Promise<FanoutResult> {
  const tokens = await app.agentTokens(agents);
  // One conversation assigned to each connected agent, and one unassigned conversation (the tenant's inbox).
  const { assigned, unassigned } = await withClient(app.databaseUrl, async (c) => {
    const rows = (
      await c.query<{ customer: string }>(
        `select distinct on (cv.assigned_user_id) substr(ct.external_id, 6) as customer
         from conversations cv join contacts ct on ct.id = cv.contact_id
         where cv.tenant_id = $1 and cv.assigned_user_id = any($2::uuid[])`,
        [app.tenantId, tokens.map((t) => t.userId)],
      )
    ).rows.map((r) => Number(r.customer));
    const free = await c.query<{ customer: string }>(
      `select substr(ct.external_id, 6) as customer from conversations cv join contacts ct on ct.id = cv.contact_id
       where cv.tenant_id = $1 and cv.assigned_user_id is null and cv.assigned_bot_id is null limit 1`,
      [app.tenantId],
    );
    return { assigned: rows, unassigned: Number(free.rows[0]!.customer) };
  });
  const processes = Math.max(2, Math.ceil(agents / 1250));

  // The app: webhook -> stored -> message:new at the agents' sockets.
  const rssBefore = app.server.rssMb();
  const connectStarted = performance.now();
  const clients = await connectClients(
    `${app.server.base}/crm`,
    tokens.map((t) => ({ token: t.token })),
    'message:new',
    processes,
  );
  const connectSeconds = Math.round((performance.now() - connectStarted) / 100) / 10;
  await sleep(2000);
  const rssPer1k = ((app.server.rssMb() - rssBefore) / agents) * 1000;
  const post = (customer: number, i: number, tag: string) =>
    app.postInbound(customer, `wamid.fan.${tag}.${Date.now()}.${i}`, `fan ${Date.now()}`);
  const targetedRun = await openLoop(o.rate, o.seconds * 1000, (i) =>
    post(assigned[i % assigned.length]!, i, 't'),
  );
  await sleep(5000);
  const targeted = await clients.collect();
  await openLoop(BROADCAST.rate, BROADCAST.seconds * 1000, (i) => post(unassigned, i, 'b'));
  await sleep(5000);
  const broadcast = await clients.collect();
  clients.stop();

  // Baseline: the same two patterns from a bare Socket.IO server.
  const bare = forkTs('bare-socketio.ts');
  const { port } = await once<{ port: number }>(bare, 'listening');
  const bareBefore = rssMb(bare.pid!);
  const bareClients = await connectClients(
    `http://127.0.0.1:${port}`,
    tokens.map((_t, i) => ({ room: `u${i}` })),
    'bare',
    processes,
  );
  await sleep(2000);
  const bareRss = ((rssMb(bare.pid!) - bareBefore) / agents) * 1000;
  await openLoop(o.rate, o.seconds * 1000, (i) =>
    Promise.resolve(bare.send({ type: 'emit', room: `u${i % agents}` })),
  );
  await sleep(2000);
  const bareTargeted = await bareClients.collect();
  await openLoop(BROADCAST.rate, BROADCAST.seconds * 1000, () =>
    Promise.resolve(bare.send({ type: 'emit' })),
  );
  await sleep(2000);
  const bareBroadcast = await bareClients.collect();
  bareClients.stop();
  bare.send({ type: 'stop' });

  return {
    agents,
    app: {
      targeted: summarize(targeted),
      broadcast: summarize(broadcast),
      rssPer1k: Math.round(rssPer1k * 10) / 10,
      delivered: targeted.length,
      expected: targetedRun.sent,
      connectSeconds,
    },
    bare: {
      targeted: summarize(bareTargeted),
      broadcast: summarize(bareBroadcast),
      rssPer1k: Math.round(bareRss * 10) / 10,
    },
  };
}

export function fanoutRows(results: FanoutResult[], rate: number): ResultRow[] {
  const S = 'fan-out (Socket.IO)';
  return results.flatMap((r) => [
    row(S, `${r.agents} agents: webhook -> message:new p50 at ${rate} msg/s`, r.app.targeted.p50, 'ms', {
      baseline: { name: 'bare Socket.IO emit p50', value: r.bare.targeted.p50 },
      target: '< 30 ms',
      met: r.app.targeted.p50 < 30,
      note: `${r.app.delivered}/${r.app.expected} delivered`,
    }),
    row(S, `${r.agents} agents: webhook -> message:new p99 at ${rate} msg/s`, r.app.targeted.p99, 'ms', {
      baseline: { name: 'bare Socket.IO emit p99', value: r.bare.targeted.p99 },
      target: '< 150 ms',
      met: r.app.targeted.p99 < 150 && r.app.delivered === r.app.expected,
    }),
    row(S, `${r.agents} agents: unassigned message to every agent, p99`, r.app.broadcast.p99, 'ms', {
      baseline: { name: 'bare Socket.IO broadcast p99', value: r.bare.broadcast.p99 },
      note: `${BROADCAST.rate} msg/s, p50 ${r.app.broadcast.p50} ms, ${r.app.broadcast.count} deliveries`,
    }),
    row(S, `${r.agents} agents: server RSS per 1k sockets`, r.app.rssPer1k, 'MB', {
      baseline: { name: 'bare Socket.IO', value: r.bare.rssPer1k },
      target: `${r.agents} agents in one process`,
      met: r.app.delivered === r.app.expected,
      note: `all connected in ${r.app.connectSeconds} s`,
    }),
  ]);
}
