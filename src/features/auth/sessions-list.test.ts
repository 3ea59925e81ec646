import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeTestApp, nextEvent, type RealtimeTestApp } from '../../../test/helpers/realtime.js';

interface Pair {
  access_token: string;
  refresh_token: string;
}
interface SessionDto {
  id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

describe('GET /auth/sessions and DELETE /auth/sessions/:id', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = async (username: string, userAgent: string) => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'user-agent': userAgent },
      payload: { username, password: 'password123' },
    });
    expect(res.statusCode).toBe(200);
    return res.json<Pair>();
  };
  const sessions = async (token: string) => {
    const res = await t.request({ method: 'GET', url: '/api/v1/auth/sessions', token });
    expect(res.statusCode).toBe(200);
    return res.json<{ data: SessionDto[] }>().data;
  };
  const end = (token: string, id: string) =>
    t.request({ method: 'DELETE', url: `/api/v1/auth/sessions/${id}`, token });

  it('lists each login with its browser, address and times, marking the current one', async () => {
    const user = await t.createUser('agent');
    const laptop = await login(user.username, 'Laptop Firefox/130');
    const phone = await login(user.username, 'Phone Safari/18');
    const list = await sessions(laptop.access_token);
    const mine = list.filter(
      (s) => s.user_agent === 'Laptop Firefox/130' || s.user_agent === 'Phone Safari/18',
    );
    expect(mine).toHaveLength(2);
    expect(mine.find((s) => s.current)?.user_agent).toBe('Laptop Firefox/130');
    expect(mine.find((s) => !s.current)?.user_agent).toBe('Phone Safari/18');
    expect(mine[0]).toMatchObject({ ip: '127.0.0.1', created_at: expect.any(String) });
    // Only the caller's own sessions.
    expect((await sessions(phone.access_token)).map((s) => s.id).sort()).toEqual(
      list.map((s) => s.id).sort(),
    );
    expect(await sessions(await t.adminToken())).not.toContainEqual(
      expect.objectContaining({ id: mine[0]!.id }),
    );
  });

  it('a refresh moves last_used_at; ending a session kills its tokens and socket, and it leaves the list', async () => {
    const user = await t.createUser('agent');
    const keep = await login(user.username, 'Keep/1');
    const other = await login(user.username, 'Other/1');
    const otherId = (await sessions(keep.access_token)).find((s) => s.user_agent === 'Other/1')!;
    const refreshed = await t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { 'user-agent': 'Other/2' },
      payload: { refresh_token: other.refresh_token },
    });
    const otherPair = refreshed.json<Pair>();
    const after = (await sessions(keep.access_token)).find((s) => s.id === otherId.id)!;
    expect(after.user_agent).toBe('Other/2');
    expect(Date.parse(after.last_used_at)).toBeGreaterThanOrEqual(Date.parse(otherId.last_used_at));

    const socket = await t.connect(otherPair.access_token);
    const dropped = nextEvent<string>(socket, 'disconnect');
    expect((await end(keep.access_token, otherId.id)).statusCode).toBe(204);
    expect(await dropped).toBe('io server disconnect');
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: otherPair.access_token });
    expect(me.statusCode).toBe(401);
    const rotate = { method: 'POST' as const, url: '/api/v1/auth/refresh' };
    expect(
      (await t.request({ ...rotate, payload: { refresh_token: otherPair.refresh_token } })).statusCode,
    ).toBe(401);
    expect((await sessions(keep.access_token)).map((s) => s.id)).not.toContain(otherId.id);
    expect((await sessions(keep.access_token)).some((s) => s.current)).toBe(true);
  });

  it("answers 404 for another user's session, an ended one and an unknown id, ending nothing", async () => {
    const a = await t.createUser('agent');
    const b = await t.createUser('agent');
    const aPair = await login(a.username, 'A/1');
    const bPair = await login(b.username, 'B/1');
    const bSession = (await sessions(bPair.access_token)).find((s) => s.current)!;
    expect((await end(aPair.access_token, bSession.id)).statusCode).toBe(404);
    expect((await end(aPair.access_token, '0193a1b2-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await end(aPair.access_token, 'not-a-uuid')).statusCode).toBe(400);
    expect(await sessions(bPair.access_token)).toContainEqual(expect.objectContaining({ id: bSession.id }));
    const aSession = (await sessions(aPair.access_token)).find((s) => s.current)!;
    const other = await login(a.username, 'A/2');
    expect((await end(other.access_token, aSession.id)).statusCode).toBe(204);
    expect((await end(other.access_token, aSession.id)).statusCode).toBe(404);
  });
});
