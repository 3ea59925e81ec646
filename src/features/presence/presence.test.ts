import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  eventually,
  request,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../../test/helpers/realtime.js';

const GRACE_MS = 300;

/** The statuses announced for one user, as a socket of the tenant hears them. */
function announced(observer: ClientSocket, userId: string): string[] {
  const statuses: string[] = [];
  observer.on('presence:update', (p: { user_id: string; status: string }) => {
    if (p.user_id === userId) statuses.push(p.status);
  });
  return statuses;
}

describe('presence', () => {
  let t: RealtimeTestApp;
  let admin: string;
  let observer: ClientSocket;
  const presenceOf = async (userId: string) =>
    (await t.request({ method: 'GET', url: `/api/v1/presence/users/${userId}`, token: admin })).json<{
      status: string;
    }>();

  beforeAll(async () => {
    t = await createRealtimeTestApp({ PRESENCE_GRACE_MS: String(GRACE_MS) });
    admin = await t.adminToken();
    observer = await t.connect(admin);
  });
  afterAll(async () => {
    await t.close();
  });

  it('is offline without a socket', async () => {
    const user = await t.createUser('agent');
    expect(await presenceOf(user.id)).toEqual({
      user_id: user.id,
      status: 'offline',
      online: false,
      last_seen_at: null,
    });
  });

  it('turns online with the first socket, announced to the tenant and stored on the user', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    await t.connect(user.token);
    await eventually(() => statuses.length > 0);
    expect(statuses).toEqual(['online']);
    expect(await presenceOf(user.id)).toMatchObject({
      status: 'online',
      online: true,
      last_seen_at: expect.any(String),
    });
    const row = await t.request({ method: 'GET', url: `/api/v1/users/${user.id}`, token: admin });
    expect(row.json()).toMatchObject({ online: true, presence: 'online' });
  });

  it('stays online while one of two sockets is left, and goes offline a grace period after the last', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    const first = await t.connect(user.token);
    const second = await t.connect(user.token);
    await eventually(() => statuses.length > 0);
    first.close();
    await sleep(GRACE_MS * 2);
    expect(statuses).toEqual(['online']);
    expect((await presenceOf(user.id)).status).toBe('online');
    const closedAt = Date.now();
    second.close();
    await eventually(() => statuses.length > 1);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 20);
    expect(statuses).toEqual(['online', 'offline']);
    expect(await presenceOf(user.id)).toMatchObject({ status: 'offline', online: false });
    const row = await t.request({ method: 'GET', url: `/api/v1/users/${user.id}`, token: admin });
    expect(row.json()).toMatchObject({ online: false, presence: 'offline' });
  });

  it('does not flap when the user reconnects within the grace period', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    (await t.connect(user.token)).close();
    await t.connect(user.token);
    await sleep(GRACE_MS * 2);
    expect(statuses).toEqual(['online']);
  });

  it('shows busy or away chosen through PUT /presence/me, and online clears it', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    await t.connect(user.token);
    await eventually(() => statuses.length > 0);
    const busy = await t.request({
      method: 'PUT',
      url: '/api/v1/presence/me',
      token: user.token,
      payload: { status: 'busy' },
    });
    expect(busy.statusCode).toBe(200);
    expect(busy.json()).toMatchObject({ user_id: user.id, status: 'busy', online: true });
    const back = await t.request({
      method: 'PUT',
      url: '/api/v1/presence/me',
      token: user.token,
      payload: { status: 'online' },
    });
    expect(back.json()).toMatchObject({ status: 'online' });
    await eventually(() => statuses.length > 2);
    expect(statuses).toEqual(['online', 'busy', 'online']);
  });

  it('takes presence:update from the socket, acknowledged with the status shown', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    const socket = await t.connect(user.token);
    expect(await request(socket, 'presence:update', { status: 'away' })).toEqual({
      ok: true,
      status: 'away',
    });
    await eventually(() => statuses.includes('away'));
    const me = await t.request({ method: 'GET', url: '/api/v1/presence/me', token: user.token });
    expect(me.json()).toMatchObject({ user_id: user.id, status: 'away', online: true });
  });

  it('forgets a chosen status when the user goes offline', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    const socket = await t.connect(user.token);
    await request(socket, 'presence:update', { status: 'busy' });
    socket.close();
    await eventually(() => statuses.includes('offline'));
    await t.connect(user.token);
    await eventually(() => statuses.length > 3);
    expect(statuses).toEqual(['online', 'busy', 'offline', 'online']);
  });

  it('answers 400 for a status a user cannot choose, and for unknown fields', async () => {
    const user = await t.createUser('agent');
    for (const payload of [{ status: 'offline' }, { status: 'busy', note: 'x' }]) {
      const res = await t.request({ method: 'PUT', url: '/api/v1/presence/me', token: user.token, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
    }
    const socketAnswer = await request(await t.connect(user.token), 'presence:update', { status: 'offline' });
    expect(socketAnswer).toMatchObject({ ok: false, code: 'VALIDATION_ERROR' });
  });

  it('lists several users in the order asked, leaving out unknown ids and other tenants', async () => {
    const a = await t.createUser('agent');
    const b = await t.createUser('agent');
    const foreign = await t.foreignUser();
    const missing = '01900000-0000-7000-8000-000000000000';
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/presence/users?ids=${b.id},${missing},${a.id},${foreign.id}`,
      token: a.token,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((p: { user_id: string }) => p.user_id)).toEqual([b.id, a.id]);
  });

  it('answers 400 for a list without ids, with a malformed id, or with more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, () => '01900000-0000-7000-8000-000000000000').join(',');
    for (const query of ['', '?ids=', '?ids=nope', `?ids=${ids}`]) {
      const res = await t.request({ method: 'GET', url: `/api/v1/presence/users${query}`, token: admin });
      expect(res.statusCode, query).toBe(400);
    }
  });

  it("answers 404 for another tenant's user, and 401 without a token", async () => {
    const foreign = await t.foreignUser();
    const res = await t.request({ method: 'GET', url: `/api/v1/presence/users/${foreign.id}`, token: admin });
    expect(res.statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/presence/me' })).statusCode).toBe(401);
  });

  it("never announces a user's presence to another tenant", async () => {
    const foreign = await t.foreignUser();
    const foreignSocket = await t.connect(foreign.token);
    const user = await t.createUser('agent');
    const heard = announced(foreignSocket, user.id);
    const statuses = announced(observer, user.id);
    await t.connect(user.token);
    await eventually(() => statuses.length > 0);
    await sleep(100);
    expect(heard).toEqual([]);
  });
});

describe('automatic away', () => {
  const AWAY_AFTER_MS = 600;
  let t: RealtimeTestApp;
  let observer: ClientSocket;
  beforeAll(async () => {
    t = await createRealtimeTestApp({ PRESENCE_AWAY_AFTER_MS: String(AWAY_AFTER_MS) });
    observer = await t.connect(await t.adminToken());
  });
  afterAll(async () => {
    await t.close();
  });

  it('turns a connected user away after inactivity, and online again on their next event', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    const socket = await t.connect(user.token);
    await eventually(() => statuses.length > 1, AWAY_AFTER_MS * 5);
    expect(statuses).toEqual(['online', 'away']);
    await request(socket, 'leave:conversation', { conversation_id: '01900000-0000-7000-8000-000000000000' });
    await eventually(() => statuses.length > 2);
    expect(statuses).toEqual(['online', 'away', 'online']);
  });

  it('takes an API action of the user as activity too', async () => {
    const user = await t.createUser('agent');
    const statuses = announced(observer, user.id);
    await t.connect(user.token);
    await eventually(() => statuses.length > 1, AWAY_AFTER_MS * 5);
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: user.id });
    const sent = await t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: user.token,
      payload: { conversation_id: c.id, body: 'back at my desk' },
    });
    expect(sent.statusCode).toBe(201);
    await eventually(() => statuses.length > 2);
    expect(statuses).toEqual(['online', 'away', 'online']);
  });
});
