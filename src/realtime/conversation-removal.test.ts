import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  nextEvent,
  record,
  request,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';

/** Long enough for an emit that would reach a socket to have arrived. */
const SETTLE_MS = 300;

/**
 * A conversation taken from someone's view (assigned elsewhere, transferred, deleted) leaves their
 * live lists at once: `conversation:removed` (or `conversation:deleted`) and nothing after it.
 */
describe('conversations leaving a view', () => {
  let t: RealtimeTestApp;
  let admin: string;
  let supervisor: { id: string; token: string };
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  let onlooker: { id: string; token: string };
  const socket = {} as Record<'a' | 'b' | 'onlooker' | 'supervisor', ClientSocket>;

  beforeAll(async () => {
    t = await createRealtimeTestApp();
    admin = await t.adminToken();
    supervisor = await t.createUser('supervisor');
    a = await t.createUser('agent');
    b = await t.createUser('agent');
    onlooker = await t.createUser('agent');
    socket.a = await t.connect(a.token);
    socket.b = await t.connect(b.token);
    socket.onlooker = await t.connect(onlooker.token);
    socket.supervisor = await t.connect(supervisor.token);
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.deps.database.db;
  const call = (method: 'PATCH' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    t.request({ method, url: `/api/v1${url}`, token, ...(payload ? { payload } : {}) });
  /** Every event about conversation `id` that `s` receives from now on, by name. */
  function eventsAbout(s: ClientSocket, id: string) {
    const seen: string[] = [];
    s.onAny((name: string, payload: { id?: string; conversation_id?: string } | undefined) => {
      if (payload?.id === id || payload?.conversation_id === id) seen.push(name);
    });
    return seen;
  }
  const removal = (id: string) => ({ conversation_id: id, timestamp: expect.any(String) });

  it('tells the agent a supervisor reassigns away from, and sends it nothing of that conversation after', async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: a.id, status: 'active' });
    expect(await request(socket.a, 'join:conversation', { conversation_id: c.id })).toEqual({ ok: true });
    const seenByA = eventsAbout(socket.a, c.id);
    const removed = nextEvent(socket.a, 'conversation:removed');
    const assignedToB = nextEvent<{ id: string; assigned_user_id: string }>(
      socket.b,
      'conversation:assigned',
    );
    const res = await call('PATCH', `/conversations/${c.id}/assign`, supervisor.token, { user_id: b.id });
    expect(res.statusCode).toBe(200);
    expect(await removed).toEqual(removal(c.id));
    expect(await assignedToB).toEqual(res.json());

    // B works in it; A hears nothing more, and its socket is out of the conversation's room.
    const reply = await call('POST', '/messages', b.token, { conversation_id: c.id, body: 'Taking over' });
    expect(reply.statusCode).toBe(201);
    expect(await request(socket.a, 'typing:start', { conversation_id: c.id })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    await sleep(SETTLE_MS);
    expect(seenByA).toEqual(['left_conversation', 'conversation:removed']);
  });

  it('tells the agent who transfers its conversation away, not the one who receives it', async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: a.id, status: 'active' });
    const removedForB = record(socket.b, 'conversation:removed');
    const removed = nextEvent(socket.a, 'conversation:removed');
    const res = await call('POST', `/conversations/${c.id}/transfer`, a.token, { user_id: b.id });
    expect(res.statusCode).toBe(200);
    expect(await removed).toEqual(removal(c.id));
    await sleep(SETTLE_MS);
    expect(removedForB).toEqual([]);
  });

  it('tells every other agent when an unassigned conversation is assigned, but not supervisors', async () => {
    const c = await createConversation(db(), t.tenantId);
    const bySupervisor = record(socket.supervisor, 'conversation:removed');
    const byA = record(socket.a, 'conversation:removed');
    const heard = [
      nextEvent(socket.b, 'conversation:removed'),
      nextEvent(socket.onlooker, 'conversation:removed'),
    ];
    expect((await call('PATCH', `/conversations/${c.id}/assign`, a.token, {})).statusCode).toBe(200);
    expect(await Promise.all(heard)).toEqual([removal(c.id), removal(c.id)]);
    await sleep(SETTLE_MS);
    expect([...bySupervisor, ...byA]).toEqual([]);
  });

  it('keeps a conversation a supervisor closes with its assignee, who still sees it', async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: a.id, status: 'active' });
    const removed = record(socket.a, 'conversation:removed');
    const changed = nextEvent<{ status: string }>(socket.a, 'conversation:status_changed');
    expect(
      (await call('PATCH', `/conversations/${c.id}`, supervisor.token, { status: 'closed' })).statusCode,
    ).toBe(200);
    expect((await changed).status).toBe('closed');
    await sleep(SETTLE_MS);
    expect(removed).toEqual([]);
  });

  it('tells everyone who could see a deleted conversation, and empties its room', async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: a.id, status: 'active' });
    expect(await request(socket.supervisor, 'join:conversation', { conversation_id: c.id })).toEqual({
      ok: true,
    });
    const outsiders = [
      record(socket.b, 'conversation:deleted'),
      record(socket.onlooker, 'conversation:deleted'),
    ];
    const heard = [
      nextEvent(socket.a, 'conversation:deleted'),
      nextEvent(socket.supervisor, 'conversation:deleted'),
    ];
    expect((await call('DELETE', `/conversations/${c.id}`, admin)).statusCode).toBe(204);
    expect(await Promise.all(heard)).toEqual([removal(c.id), removal(c.id)]);
    expect(await request(socket.supervisor, 'typing:start', { conversation_id: c.id })).toMatchObject({
      code: 'NOT_FOUND',
    });
    await sleep(SETTLE_MS);
    expect(outsiders).toEqual([[], []]);
  });

  it('tells every agent when an unassigned conversation is deleted', async () => {
    const c = await createConversation(db(), t.tenantId);
    const heard = [socket.a, socket.b, socket.onlooker].map((s) => nextEvent(s, 'conversation:deleted'));
    // (A contact with conversations cannot be deleted: 409, so its conversations go first.)
    expect((await call('DELETE', `/conversations/${c.id}`, admin)).statusCode).toBe(204);
    expect(await Promise.all(heard)).toEqual([removal(c.id), removal(c.id), removal(c.id)]);
  });
});
