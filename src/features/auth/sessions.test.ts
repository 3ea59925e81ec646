import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, runMigrations, type Database } from '../../db/client.js';
import { ADMIN, forgetRedisKeys } from '../../../test/helpers/app.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  nextEvent,
  record,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../../test/helpers/realtime.js';

interface Pair {
  access_token: string;
  refresh_token: string;
}

const PASSWORD = 'password123';

const loginPair = async (t: RealtimeTestApp, username: string, password = PASSWORD): Promise<Pair> => {
  const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  return res.json<Pair>();
};
const refresh = (t: RealtimeTestApp, refresh_token: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token } });
const me = async (t: RealtimeTestApp, token: string) =>
  (await t.request({ method: 'GET', url: '/api/v1/auth/me', token })).statusCode;

/** Waits for the server to drop the socket, and returns the `system:error`s it heard before. */
async function droppedBy(socket: ClientSocket) {
  const errors = record<{ code: string; message: string }>(socket, 'system:error');
  const reason = await nextEvent<string>(socket, 'disconnect');
  return { reason, errors };
}

describe('sessions end when they should, and their sockets with them', () => {
  let t: RealtimeTestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A user with two logins, a live socket on each, and a refresh token of the first. */
  async function userWithSessions() {
    const user = await t.createUser('agent');
    const pairs = [await loginPair(t, user.username), await loginPair(t, user.username)];
    const sockets = await Promise.all(pairs.map((p) => t.connect(p.access_token)));
    return { ...user, pairs, sockets };
  }

  /** Every token and socket of the user is dead, and nothing of it can come back. */
  async function expectAllEnded(
    user: Awaited<ReturnType<typeof userWithSessions>>,
    drops: Promise<unknown>[],
  ) {
    for (const drop of await Promise.all(drops)) {
      expect(drop).toEqual({
        reason: 'io server disconnect',
        errors: [{ code: 'UNAUTHENTICATED', message: expect.any(String) }],
      });
    }
    for (const pair of user.pairs) {
      expect(await me(t, pair.access_token)).toBe(401);
      expect((await refresh(t, pair.refresh_token)).statusCode).toBe(401);
      await expect(t.connect(pair.access_token)).rejects.toThrow('UNAUTHENTICATED');
    }
  }

  it("ends every session and socket of a user when an admin changes the user's password", async () => {
    const user = await userWithSessions();
    const drops = user.sockets.map(droppedBy);
    const renamed = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      token: admin,
      payload: { name: 'Renamed' },
    });
    expect(renamed.statusCode).toBe(200);
    // Other changes end nothing.
    expect(await me(t, user.pairs[0]!.access_token)).toBe(200);
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      token: admin,
      payload: { password: 'a-new-password' },
    });
    expect(res.statusCode).toBe(200);
    await expectAllEnded(user, drops);
    // The new password opens a new session.
    expect(await me(t, (await loginPair(t, user.username, 'a-new-password')).access_token)).toBe(200);
  });

  it("a user's own password change ends the other sessions and their sockets, not the caller's", async () => {
    const user = await userWithSessions();
    const [mine, other] = user.sockets as [ClientSocket, ClientSocket];
    const drop = droppedBy(other);
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/users/me/password',
      token: user.pairs[0]!.access_token,
      payload: { current_password: PASSWORD, new_password: 'my-new-password' },
    });
    expect(res.statusCode).toBe(204);
    expect((await drop).reason).toBe('io server disconnect');
    expect(await me(t, user.pairs[1]!.access_token)).toBe(401);
    expect(await me(t, user.pairs[0]!.access_token)).toBe(200);
    expect(mine.connected).toBe(true);
  });

  it('ends every session and socket of a deleted user', async () => {
    const user = await userWithSessions();
    const drops = user.sockets.map(droppedBy);
    const res = await t.request({ method: 'DELETE', url: `/api/v1/users/${user.id}`, token: admin });
    expect(res.statusCode).toBe(204);
    await expectAllEnded(user, drops);
  });

  it('ends every session and socket of a user deactivated because it authored messages', async () => {
    const user = await userWithSessions();
    const conversation = await createConversation(t.deps.database.db, t.tenantId);
    await createMessage(t.deps.database.db, conversation, { senderType: 'user', senderUserId: user.id });
    const drops = user.sockets.map(droppedBy);
    const res = await t.request({ method: 'DELETE', url: `/api/v1/users/${user.id}`, token: admin });
    expect(res.statusCode).toBe(204);
    await expectAllEnded(user, drops);
  });

  it('logout ends the whole session: an access token obtained by refresh dies with the one presented', async () => {
    const user = await t.createUser('agent');
    const first = await loginPair(t, user.username);
    const second = (await refresh(t, first.refresh_token)).json<Pair>();
    const other = await loginPair(t, user.username);
    const [socketOfFirst, socketOfSecond, socketOfOther] = await Promise.all(
      [first, second, other].map((p) => t.connect(p.access_token)),
    );
    const drops = [socketOfFirst!, socketOfSecond!].map(droppedBy);
    const out = await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: first.access_token });
    expect(out.statusCode).toBe(204);
    expect((await Promise.all(drops)).map((d) => d.reason)).toEqual([
      'io server disconnect',
      'io server disconnect',
    ]);
    expect(await me(t, second.access_token)).toBe(401);
    expect((await refresh(t, second.refresh_token)).statusCode).toBe(401);
    // The user's other login is another session.
    expect(await me(t, other.access_token)).toBe(200);
    expect(socketOfOther!.connected).toBe(true);
  });

  it('a re-used refresh token ends its session, sockets included', async () => {
    const user = await t.createUser('agent');
    const first = await loginPair(t, user.username);
    const second = (await refresh(t, first.refresh_token)).json<Pair>();
    expect((await refresh(t, second.refresh_token)).statusCode).toBe(200);
    const socket = await t.connect(second.access_token);
    const drop = droppedBy(socket);
    expect((await refresh(t, first.refresh_token)).statusCode).toBe(401);
    expect((await drop).reason).toBe('io server disconnect');
    expect(await me(t, second.access_token)).toBe(401);
  });

  it('answers five concurrent refreshes of one token with the same new pair, and the session goes on', async () => {
    const user = await t.createUser('agent');
    const first = await loginPair(t, user.username);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(t, first.refresh_token)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const pairs = answers.map((a) => a.json<Pair>());
    expect(new Set(pairs.map((p) => p.access_token)).size).toBe(1);
    expect(new Set(pairs.map((p) => p.refresh_token)).size).toBe(1);
    const pair = pairs[0]!;
    expect(pair.refresh_token).not.toBe(first.refresh_token);
    expect(await me(t, pair.access_token)).toBe(200);
    // A late double submit still gets the same pair while it is the newest.
    expect((await refresh(t, first.refresh_token)).json<Pair>()).toEqual(pair);
    const next = await refresh(t, pair.refresh_token);
    expect(next.statusCode).toBe(200);
    expect(await me(t, next.json<Pair>().access_token)).toBe(200);
  });
});

describe('a socket whose access token expires', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp({ JWT_ACCESS_TTL: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is told and disconnected at expiry, and comes back with a fresh token', async () => {
    const pair = await loginPair(t, ADMIN.username, ADMIN.password);
    const socket = await t.connect(pair.access_token);
    const drop = await droppedBy(socket);
    expect(drop).toEqual({
      reason: 'io server disconnect',
      errors: [{ code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) }],
    });
    await expect(t.connect(pair.access_token)).rejects.toThrow('UNAUTHENTICATED');
    const fresh = (await refresh(t, pair.refresh_token)).json<Pair>();
    expect((await t.connect(fresh.access_token)).connected).toBe(true);
  });
});

/**
 * One deployment's database across a restart: a PGlite directory closed and opened again
 * (embedded), or one PostgreSQL database (services).
 */
async function restartableDatabase() {
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase();
    return {
      open: () => Promise.resolve(database),
      stop: () => Promise.resolve(),
      close: () => database.close(),
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'apice-restart-'));
  let current: Database | undefined;
  return {
    async open() {
      current = await openDatabase({ pgliteDir: dir });
      await runMigrations(current);
      return current;
    },
    async stop() {
      await current?.close();
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

describe('revocations across a restart of the server', () => {
  it('keeps a logged-out token refused, though the in-memory (or Redis) state is gone', async () => {
    const database = await restartableDatabase();
    const env = { JWT_SECRET: randomBytes(48).toString('base64url') };
    // A new key prefix on the second start: nothing carries over through Redis either.
    const prefixes = [1, 2].map(() => `apice-test:restart:${randomUUID()}:`);
    try {
      const before = await createRealtimeTestApp(env, {
        database: await database.open(),
        keyPrefix: prefixes[0]!,
      });
      const pair = await loginPair(before, ADMIN.username, ADMIN.password);
      const kept = await loginPair(before, ADMIN.username, ADMIN.password);
      const out = await before.request({
        method: 'POST',
        url: '/api/v1/auth/logout',
        token: pair.access_token,
      });
      expect(out.statusCode).toBe(204);
      await before.close();
      await database.stop();

      const after = await createRealtimeTestApp(env, {
        database: await database.open(),
        keyPrefix: prefixes[1]!,
      });
      try {
        expect(await me(after, pair.access_token)).toBe(401);
        expect((await refresh(after, pair.refresh_token)).statusCode).toBe(401);
        await expect(after.connect(pair.access_token)).rejects.toThrow('UNAUTHENTICATED');
        // A session that was not ended survives the restart.
        expect(await me(after, kept.access_token)).toBe(200);
      } finally {
        await after.close();
        await database.stop();
      }
    } finally {
      await database.close();
      for (const prefix of prefixes) await forgetRedisKeys(prefix);
    }
  });
});
