import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/db/schema.js';
import {
  redisUnavailable,
  startDisposableRedis,
  type DisposableRedis,
} from '../helpers/disposable-services.js';
import { createConversation } from '../helpers/factories.js';
import {
  createRealtimeCluster,
  eventually,
  RECONNECTING,
  record,
  request,
  type ClientSocket,
  type RealtimeTestApp,
} from '../helpers/realtime.js';

const skipped = process.env.DATABASE_URL
  ? redisUnavailable()
  : 'services mode only (DATABASE_URL unset): it proves the Redis deployment';

interface Ready {
  status: string;
  checks: Record<string, string>;
}

/**
 * Two instances behind a load balancer, sharing one database and a Redis of this file's own,
 * which the test stops and starts again.
 */
describe.skipIf(skipped !== undefined)(
  `two instances while their Redis is stopped and started again${skipped ? ` (skipped: ${skipped})` : ''}`,
  () => {
    let redis: DisposableRedis;
    let cluster: Awaited<ReturnType<typeof createRealtimeCluster>>;
    let a: RealtimeTestApp;
    let b: RealtimeTestApp;
    let token: string;
    let conversation: Conversation;
    let onA: ClientSocket;
    let onB: ClientSocket;

    /** Real HTTP against an instance, as a browser or integration would call it. */
    const http = (app: RealtimeTestApp, path: string, init: RequestInit = {}) =>
      fetch(`${app.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        signal: AbortSignal.timeout(10_000),
      });
    const sendMessage = async (app: RealtimeTestApp, body: string) => {
      const res = await http(app, '/api/v1/messages', {
        method: 'POST',
        body: JSON.stringify({ conversation_id: conversation.id, body }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; body: string };
    };
    const readiness = async (app: RealtimeTestApp) => {
      const res = await fetch(`${app.url}/health/ready`);
      return { status: res.status, body: (await res.json()) as Ready };
    };
    /** Sends through A until the socket hears one of those messages (the adapter reconnects on its own time). */
    async function heardAfterSending(socket: ClientSocket, label: string): Promise<boolean> {
      const heard = record<{ id: string }>(socket, 'message:new');
      const sent: string[] = [];
      const got = () => heard.some((m) => sent.includes(m.id));
      for (let i = 0; i < 30 && !got(); i++) {
        sent.push((await sendMessage(a, `${label} ${i}`)).id);
        await eventually(got, 500).catch(() => undefined);
      }
      return got();
    }

    beforeAll(async () => {
      redis = await startDisposableRedis();
      cluster = await createRealtimeCluster(2, { REDIS_URL: redis.url });
      [a, b] = cluster.instances as [RealtimeTestApp, RealtimeTestApp];
      token = await a.adminToken();
      // Unassigned: every user of the tenant hears about it.
      conversation = await createConversation(a.deps.database.db, a.tenantId);
      [onA, onB] = await Promise.all([a.connect(token, RECONNECTING), b.connect(token, RECONNECTING)]);
    });

    afterAll(async () => {
      await cluster?.close();
      await redis?.destroy();
    });

    it('keeps HTTP serving, keeps each instance real-time, and joins them again when Redis returns', async () => {
      // Up: an event on A reaches a client of B through Redis.
      expect(await heardAfterSending(onB, 'before')).toBe(true);

      await redis.stop();
      await eventually(() => a.deps.platform.redis?.status !== 'ready', 5_000);
      const down = await readiness(a);
      expect(down.status).toBe(503);
      expect(down.body.checks).toEqual({ database: 'ok', redis: 'unavailable' });

      // The API keeps serving: token checks, rate limits and presence fall back to each instance's memory.
      const login = await fetch(`${a.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'admin123' }),
      });
      expect(login.status).toBe(200);
      for (const path of ['/api/v1/auth/me', '/api/v1/conversations', '/api/v1/presence/me']) {
        expect((await http(a, path)).status).toBe(200);
        expect((await http(b, path)).status).toBe(200);
      }
      const presence = await http(a, '/api/v1/presence/me', {
        method: 'PUT',
        body: JSON.stringify({ status: 'busy' }),
      });
      expect(presence.status).toBe(200);

      // Real time keeps working within an instance: A's client hears A's message, and its events are answered.
      expect(onA.connected).toBe(true);
      const heardOnA = record<{ id: string }>(onA, 'message:new');
      const during = await sendMessage(a, 'while Redis is down');
      await eventually(() => heardOnA.some((m) => m.id === during.id), 10_000);
      expect(await request(onA, 'join:conversation', { conversation_id: conversation.id })).toEqual({
        ok: true,
      });

      // A client whose network blinks reconnects to its instance and hears it again (its missed
      // packets cannot be recovered from the stream meanwhile: it gets a fresh session).
      // 'connect' (not the manager's 'reconnect'): the server has authenticated it and put it in its rooms.
      const reconnected = new Promise((resolve) => onA.once('connect', () => resolve(undefined)));
      onA.io.engine.close();
      await reconnected;
      expect(onA.recovered).toBe(false);
      const afterBlink = await sendMessage(a, 'after a network blink');
      await eventually(() => heardOnA.some((m) => m.id === afterBlink.id), 10_000);

      await redis.start();
      await eventually(() => a.deps.platform.redis?.status === 'ready', 15_000);
      await expect.poll(async () => (await readiness(a)).status, { timeout: 15_000 }).toBe(200);
      await expect.poll(async () => (await readiness(b)).status, { timeout: 15_000 }).toBe(200);

      // Back: events flow between the instances again, with no restart.
      expect(await heardAfterSending(onB, 'after')).toBe(true);
      expect(onA.connected && onB.connected).toBe(true);

      // A logout on A is honoured by B (sessions end in the shared database).
      const session = await fetch(`${a.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'admin123' }),
      });
      const { access_token } = (await session.json()) as { access_token: string };
      const as = { authorization: `Bearer ${access_token}` };
      expect((await http(a, '/api/v1/auth/logout', { method: 'POST', headers: as, body: '{}' })).status).toBe(
        204,
      );
      expect((await http(b, '/api/v1/auth/me', { headers: as })).status).toBe(401);
    }, 60_000);
  },
);
