import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_NUMBER,
  SHEENA,
  WEBHOOK,
  textWebhook,
} from '../../src/whatsapp/inbound/inbound.test-helpers.js';
import {
  postgresUnavailable,
  redisUnavailable,
  startDisposablePostgres,
  startDisposableRedis,
  type DisposablePostgres,
  type DisposableRedis,
} from '../helpers/disposable-services.js';
import { startServer, type RunningServer } from '../helpers/server-process.js';
import { signBody, toWireBody } from '../helpers/whatsapp-fixtures.js';

const skipped = process.env.DATABASE_URL
  ? (postgresUnavailable() ?? redisUnavailable())
  : 'services mode only (DATABASE_URL unset): it proves the PostgreSQL deployment';

/** No request may take longer than this, outage or not. */
const REQUEST_BOUND_MS = 10_000;
const CLIENTS = 3;

interface Outcome {
  kind: 'webhook' | 'list' | 'send';
  status: number;
  contentType: string;
  code: string | undefined;
  retryAfter: string | null;
  /** The wamid a webhook carried, or the id of a created message. */
  ref: string | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe.skipIf(skipped !== undefined)(
  `the server process while PostgreSQL restarts under traffic${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let postgres: DisposablePostgres;
    let redis: DisposableRedis;
    let server: RunningServer;
    let dataDir: string;
    let token: string;
    let conversationId: string;

    const call = async (kind: Outcome['kind'], url: string, init: RequestInit, ref?: string) => {
      const res = await fetch(`${server.base}${url}`, {
        ...init,
        signal: AbortSignal.timeout(REQUEST_BOUND_MS),
      });
      const contentType = res.headers.get('content-type') ?? '';
      const body = contentType.includes('json') ? ((await res.json()) as { code?: string; id?: string }) : {};
      return {
        kind,
        status: res.status,
        contentType,
        code: body.code,
        retryAfter: res.headers.get('retry-after'),
        ref: ref ?? body.id,
      } satisfies Outcome;
    };
    const authed = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

    const postWebhook = (wamid: string) => {
      const body = toWireBody(textWebhook({ from: SHEENA.waId, name: SHEENA.name }, wamid, `hello ${wamid}`));
      const headers = {
        'content-type': 'application/json',
        'x-hub-signature-256': signBody(body, FIXTURE_NUMBER.app_secret),
      };
      return call('webhook', WEBHOOK, { method: 'POST', headers, body }, wamid);
    };
    const listConversations = () => call('list', '/api/v1/conversations?limit=5', { headers: authed() });
    const sendMessage = () =>
      call('send', '/api/v1/messages', {
        method: 'POST',
        headers: authed({ 'content-type': 'application/json' }),
        body: JSON.stringify({ conversation_id: conversationId, body: `agent ${randomUUID()}` }),
      });
    const ready = () =>
      fetch(`${server.base}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );

    /** Reads the disposable database directly (a fresh connection each time: it restarts). */
    async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      [postgres, redis] = await Promise.all([startDisposablePostgres(), startDisposableRedis()]);
      dataDir = mkdtempSync(path.join(tmpdir(), 'apice-reliability-'));
      server = await startServer({
        DATA_DIR: dataDir,
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        THROTTLE_LIMIT: '100000',
        LOG_LEVEL: 'warn',
        WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: '0,0,0',
      });
      const login = await fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'admin123' }),
      });
      token = ((await login.json()) as { access_token: string }).access_token;
      const connect = await fetch(`${server.base}/api/v1/whatsapp-integration-config`, {
        method: 'POST',
        headers: authed({ 'content-type': 'application/json' }),
        body: JSON.stringify({ name: 'Reliability', display_phone_number: '15550783881', ...FIXTURE_NUMBER }),
      });
      expect(connect.status).toBe(201);
      // The customer writes first: that opens the conversation and its 24-hour window.
      expect((await postWebhook(`wamid.first-${randomUUID()}`)).status).toBe(200);
      await until('the first conversation', async () => (await firstConversation()) !== undefined);
      conversationId = (await firstConversation())!;
    });

    async function firstConversation(): Promise<string | undefined> {
      const res = await fetch(`${server.base}/api/v1/conversations?limit=1`, { headers: authed() });
      return ((await res.json()) as { data: { id: string }[] }).data[0]?.id;
    }

    afterAll(async () => {
      if (server?.child.exitCode === null) await server.killHard();
      await Promise.all([postgres?.destroy(), redis?.destroy()]);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 503 SERVICE_UNAVAILABLE while it is down, loses nothing, and recovers without a restart', async () => {
      const outcomes: Outcome[] = [];
      const failures: string[] = [];
      let running = true;
      const client = async () => {
        while (running) {
          for (const step of [() => postWebhook(`wamid.${randomUUID()}`), listConversations, sendMessage]) {
            try {
              outcomes.push(await step());
            } catch (err) {
              // A reset connection or a request past the bound: not a clean answer.
              failures.push(String(err));
            }
          }
        }
      };
      const count = (pred: (o: Outcome) => boolean) => outcomes.filter(pred).length;
      const successes = () => count((o) => o.status < 300);
      const clients = Array.from({ length: CLIENTS }, client);

      for (const mode of ['fast', 'immediate'] as const) {
        const before = successes();
        await until(`traffic flows before the ${mode} stop`, () => successes() >= before + 10);
        const refusedBefore = count((o) => o.status === 503);
        await postgres.stop(mode);
        await until(
          '503 answers while PostgreSQL is down',
          () => count((o) => o.status === 503) > refusedBefore,
        );
        expect(await ready()).toBe(503);
        await postgres.start();
        await until('ready again', async () => (await ready()) === 200);
        const after = successes();
        await until(`traffic flows after the ${mode} restart`, () => successes() >= after + 10);
      }
      running = false;
      await Promise.all(clients);

      expect(failures).toEqual([]);
      const refusedCleanly = (o: Outcome) =>
        o.status === 503 &&
        o.code === 'SERVICE_UNAVAILABLE' &&
        o.contentType.includes('problem+json') &&
        o.retryAfter !== null;
      const unclean = outcomes.filter((o) => !(o.status === 200 || o.status === 201) && !refusedCleanly(o));
      expect(unclean).toEqual([]);

      // Meta redelivers what was not answered 200; by now every redelivery is accepted.
      const webhooks = outcomes.filter((o) => o.kind === 'webhook');
      for (const o of webhooks.filter((w) => w.status !== 200)) {
        expect((await postWebhook(o.ref!)).status).toBe(200);
      }
      const wamids = webhooks.map((o) => o.ref!);
      // The workers resumed: every event, including those received after the restarts, is processed.
      let stored: { wamid: string; n: number }[] = [];
      await until(
        'every wamid processed',
        async () => {
          stored = await query<{ wamid: string; n: number }>(
            `select whatsapp_message_id as wamid, count(*)::int as n from messages
              where whatsapp_message_id = any($1) group by 1`,
            [wamids],
          );
          return stored.length === wamids.length;
        },
        30_000,
      );
      expect(stored.every((s) => s.n === 1)).toBe(true);

      const created = outcomes.filter((o) => o.kind === 'send' && o.status === 201).map((o) => o.ref!);
      const found = await query<{ id: string }>('select id from messages where id = any($1::uuid[])', [
        created,
      ]);
      expect(found.length).toBe(created.length);

      // The same process served throughout.
      expect(server.child.exitCode).toBeNull();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }, 60_000);
  },
);
