import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainEventType } from '../../src/platform/event-types.js';
import { createConversation, createMessage } from '../helpers/factories.js';
import {
  createRealtimeCluster,
  eventually,
  nextEvent,
  publishNewMessage,
  RECONNECTING,
  record,
  request,
  sleep,
  type RealtimeTestApp,
} from '../helpers/realtime.js';
import { redisUrl } from '../platform/redis-targets.js';

const GRACE_MS = 300;

/** The services CI run: instances behind a load balancer, sharing one database and one Redis. */
describe.runIf(redisUrl)('two app instances sharing the database and Redis', () => {
  let cluster: Awaited<ReturnType<typeof createRealtimeCluster>>;
  let a: RealtimeTestApp;
  let b: RealtimeTestApp;
  beforeAll(async () => {
    cluster = await createRealtimeCluster(2, { PRESENCE_GRACE_MS: String(GRACE_MS) });
    [a, b] = cluster.instances as [RealtimeTestApp, RealtimeTestApp];
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('delivers a message sent through instance A to a client of instance B, once', async () => {
    const agent = await a.createUser('agent');
    const onB = await b.connect(agent.token);
    const heard = record<{ id: string }>(onB, 'message:new');
    const c = await createConversation(a.deps.database.db, a.tenantId);
    const res = await a.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: await a.adminToken(),
      payload: { conversation_id: c.id, body: 'from instance A' },
    });
    expect(res.statusCode).toBe(201);
    await eventually(() => heard.length > 0);
    await sleep(200);
    expect(heard).toEqual([res.json()]);
  });

  it('tells an agent on B, and its room there, that a supervisor on A reassigned its conversation away', async () => {
    const [from, to, supervisor] = [
      await a.createUser('agent'),
      await a.createUser('agent'),
      await a.createUser('supervisor'),
    ];
    const fromOnB = await b.connect(from.token);
    const c = await createConversation(a.deps.database.db, a.tenantId, {
      assignedUserId: from.id,
      status: 'active',
    });
    expect(await request(fromOnB, 'join:conversation', { conversation_id: c.id })).toEqual({ ok: true });
    const removed = nextEvent(fromOnB, 'conversation:removed');
    const res = await a.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${c.id}/assign`,
      token: supervisor.token,
      payload: { user_id: to.id },
    });
    expect(res.statusCode).toBe(200);
    expect(await removed).toEqual({ conversation_id: c.id, timestamp: expect.any(String) });
    expect(await request(fromOnB, 'typing:start', { conversation_id: c.id })).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("keeps privacy across instances: an agent on B does not get another agent's conversation", async () => {
    const assignee = await a.createUser('agent');
    const outsider = await a.createUser('agent');
    const supervisor = await a.createUser('supervisor');
    const [assigneeOnB, outsiderOnB, supervisorOnA] = await Promise.all([
      b.connect(assignee.token),
      b.connect(outsider.token),
      a.connect(supervisor.token),
    ]);
    const outsiderHeard = record(outsiderOnB, 'message:new');
    const c = await createConversation(a.deps.database.db, a.tenantId, { assignedUserId: assignee.id });
    const m = await createMessage(a.deps.database.db, c);
    const payload = { id: m.id, conversation_id: c.id };
    const toAssignee = nextEvent(assigneeOnB, 'message:new');
    const toSupervisor = nextEvent(supervisorOnA, 'message:new');
    a.deps.events.publish({ type: DomainEventType.MessageCreated, tenantId: a.tenantId, payload });
    expect(await toAssignee).toEqual(payload);
    expect(await toSupervisor).toEqual(payload);
    await sleep(200);
    expect(outsiderHeard).toEqual([]);
  });

  it('relays typing from a socket on A to a supervisor on B', async () => {
    const agent = await a.createUser('agent');
    const supervisor = await a.createUser('supervisor');
    const c = await createConversation(a.deps.database.db, a.tenantId, { assignedUserId: agent.id });
    const [typist, watcher] = await Promise.all([a.connect(agent.token), b.connect(supervisor.token)]);
    await request(typist, 'join:conversation', { conversation_id: c.id });
    const heard = nextEvent(watcher, 'typing:start');
    await request(typist, 'typing:start', { conversation_id: c.id });
    expect(await heard).toEqual({ conversation_id: c.id, user_id: agent.id });
  });

  it('drops a socket on B when its token logs out through A', async () => {
    const agent = await a.createUser('agent');
    const onB = await b.connect(agent.token);
    const dropped = nextEvent(onB, 'disconnect');
    const res = await a.request({ method: 'POST', url: '/api/v1/auth/logout', token: agent.token });
    expect(res.statusCode).toBe(204);
    expect(await dropped).toBe('io server disconnect');
  });

  it("drops the user's sockets on both instances when an admin on A changes the user's password", async () => {
    const agent = await a.createUser('agent');
    const [onA, onB] = [await a.connect(agent.token), await b.connect(agent.token)];
    const heard = [record(onA, 'system:error'), record(onB, 'system:error')];
    const dropped = Promise.all([nextEvent(onA, 'disconnect'), nextEvent(onB, 'disconnect')]);
    const res = await a.request({
      method: 'PATCH',
      url: `/api/v1/users/${agent.id}`,
      token: await a.adminToken(),
      payload: { password: 'another-password' },
    });
    expect(res.statusCode).toBe(200);
    expect(await dropped).toEqual(['io server disconnect', 'io server disconnect']);
    expect(heard.map((h) => h.map((e) => (e as { code: string }).code))).toEqual([
      ['UNAUTHENTICATED'],
      ['UNAUTHENTICATED'],
    ]);
    expect((await b.request({ method: 'GET', url: '/api/v1/auth/me', token: agent.token })).statusCode).toBe(
      401,
    );
  });

  it('keeps a user online while a socket is left on either instance, offline after the last', async () => {
    const agent = await a.createUser('agent');
    const observer = await b.connect(await b.adminToken());
    const statuses: string[] = [];
    observer.on('presence:update', (p: { user_id: string; status: string }) => {
      if (p.user_id === agent.id) statuses.push(p.status);
    });
    const onA = await a.connect(agent.token);
    const onB = await b.connect(agent.token);
    await eventually(() => statuses.length > 0);
    onA.close();
    await sleep(GRACE_MS * 3);
    expect(statuses).toEqual(['online']);
    onB.close();
    await eventually(() => statuses.length > 1);
    expect(statuses).toEqual(['online', 'offline']);
  });

  it('counts the event limit of a user across instances', async () => {
    const agent = await a.createUser('agent');
    const [onA, onB] = await Promise.all([a.connect(agent.token), b.connect(agent.token)]);
    const leave = (s: typeof onA) =>
      request(s, 'leave:conversation', { conversation_id: crypto.randomUUID() });
    for (let i = 0; i < 30; i++) expect(await leave(i % 2 ? onA : onB)).toEqual({ ok: true });
    expect(await leave(onA)).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });

  it('gives a client that dropped from A and reconnected to B what it missed', async () => {
    const agent = await a.createUser('agent');
    const c = await createConversation(a.deps.database.db, a.tenantId, { assignedUserId: agent.id });
    const socket = await a.connect(agent.token, RECONNECTING);
    const heard = record<{ id: string }>(socket, 'message:new');
    // Recovery resumes after the last packet received, so the client has heard something first.
    const before = await publishNewMessage(a, c);
    await eventually(() => heard.length > 0);
    // What a load balancer does after a network blip: the reconnect lands on the other instance.
    (socket.io as unknown as { uri: string }).uri = b.url;
    socket.io.engine.close();
    const missed = await publishNewMessage(a, c);
    await nextEvent(socket, 'connect');
    expect(socket.recovered).toBe(true);
    await eventually(() => heard.length > 1);
    expect(heard.map((x) => x.id)).toEqual([before, missed]);
    socket.close();
  });
});
