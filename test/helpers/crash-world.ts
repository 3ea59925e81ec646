import { envelope, inboundMessage, type Sender } from '../../src/whatsapp/inbound/inbound.test-helpers.js';
import { startFakeGraph, type FakeGraph } from './fake-graph.js';
import type { TestNumber } from './listening-app.js';
import { serverData, startServer, type RunningServer } from './server-process.js';
import { signBody, toWireBody } from './whatsapp-fixtures.js';

/**
 * Recovery in seconds rather than minutes: a dead worker's jobs are retried 10 s after their last
 * heartbeat (looked for every second), and a send Meta may have taken waits 10 s for its status.
 */
const RECOVERY_ENV = {
  QUEUE_HEARTBEAT_SECONDS: '10',
  QUEUE_SUPERVISE_SECONDS: '1',
  WHATSAPP_SEND_CONFIRM_GRACE_MS: '10000',
  WHATSAPP_SIMULATOR: 'false',
  THROTTLE_LIMIT: '100000',
  LOG_LEVEL: 'warn',
};

/** Two cold starts of the server process and a recovery, on a machine others use too. */
export const CRASH_TEST_TIMEOUT_MS = 150_000;
export const RECOVERED_WITHIN_MS = 60_000;

export interface Page<T> {
  data: T[];
  meta: { total: number };
}

/**
 * A WhatsApp number whose Graph API is a local fake, and the real server processes (one at a time)
 * that keep their state across kills: one DATA_DIR, and in services mode one database.
 */
export interface CrashWorld {
  number: TestNumber;
  graph: FakeGraph;
  /** Starts the server on the world's data; every one still running is killed by close(). */
  start(): Promise<RunningServer>;
  close(): Promise<void>;
}

export async function crashWorld(): Promise<CrashWorld> {
  const number: TestNumber = {
    phone_number_id: '106540399000001',
    business_account_id: '102290199000001',
    access_token: 'EAAG-crash-test-token',
    app_secret: 'crash-test-app-secret',
  };
  const data = await serverData();
  const graph = await startFakeGraph(number);
  const servers: RunningServer[] = [];
  return {
    number,
    graph,
    async start() {
      const server = await startServer({ ...data.env, ...RECOVERY_ENV, WHATSAPP_BASE_URL: graph.url });
      servers.push(server);
      return server;
    },
    async close() {
      for (const server of servers.splice(0)) await server.killHard();
      await graph.close();
      await data.close();
    },
  };
}

/** The HTTP API of a running server, as the holder of `token`. */
export function apiOf(server: RunningServer, token: string) {
  return async <T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> => {
    const res = await fetch(`${server.base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** Logs the bootstrapped admin in and connects the world's number through the API; the admin's token. */
export async function adminWithNumber(w: CrashWorld, server: RunningServer): Promise<string> {
  const res = await fetch(`${server.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin123' }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  await apiOf(server, token)('POST', '/whatsapp-integration-config', {
    name: 'Crash test number',
    display_phone_number: '15550783881',
    ...w.number,
  });
  return token;
}

/** The n-th customer, a Spanish mobile number. */
export const customer = (n: number): Sender => ({
  from: `3461299${String(n).padStart(4, '0')}`,
  name: `Customer ${n}`,
});

/** A customer's texts in one webhook to the world's number, in Meta's wire form (what gets signed). */
export const customerTexts = (w: CrashWorld, s: Sender, wamids: string[]) =>
  toWireBody(
    envelope(
      {
        contacts: [{ profile: { name: s.name ?? 'Customer' }, wa_id: s.from }],
        messages: wamids.map((wamid) => inboundMessage(s, { wamid, text: { body: `text of ${wamid}` } })),
      },
      w.number,
    ),
  );

/** Meta's POST of a wire body to the webhook, signed with the number's app secret: the HTTP status. */
export const deliver = (w: CrashWorld, server: RunningServer, body: string) =>
  fetch(`${server.base}/api/v1/meta-whatsapp/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(body, w.number.app_secret),
    },
    body,
  }).then((r) => r.status);
