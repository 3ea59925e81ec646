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
import { TYPING_STALE_AFTER_MS, TYPING_STOP_AFTER_MS } from './typing.js';

describe('typing indicators', () => {
  let t: RealtimeTestApp;
  let agent: { id: string; token: string };
  let typist: ClientSocket;
  let typistTab2: ClientSocket;
  let supervisor: ClientSocket;
  let otherAgent: ClientSocket;

  /** A conversation assigned to the typist, joined by the typist's first tab. */
  async function conversationBeingAnswered() {
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    expect(await request(typist, 'join:conversation', { conversation_id: c.id })).toEqual({ ok: true });
    return c.id;
  }

  beforeAll(async () => {
    t = await createRealtimeTestApp();
    agent = await t.createUser('agent');
    typist = await t.connect(agent.token);
    typistTab2 = await t.connect(agent.token);
    supervisor = await t.connect((await t.createUser('supervisor')).token);
    otherAgent = await t.connect((await t.createUser('agent')).token);
  });
  afterAll(async () => {
    await t.close();
  });

  it("reaches those who may see the conversation, never the typist's own sockets or other agents", async () => {
    const id = await conversationBeingAnswered();
    const own = record(typistTab2, 'typing:start');
    const outsider = record(otherAgent, 'typing:start');
    const heard = nextEvent(supervisor, 'typing:start');
    expect(await request(typist, 'typing:start', { conversation_id: id })).toEqual({ ok: true });
    expect(await heard).toEqual({ conversation_id: id, user_id: agent.id });
    await sleep(200);
    expect(own).toEqual([]);
    expect(outsider).toEqual([]);
    await request(typist, 'typing:stop', { conversation_id: id });
  });

  it('stops at once on typing:stop', async () => {
    const id = await conversationBeingAnswered();
    await request(typist, 'typing:start', { conversation_id: id });
    const stopped = nextEvent(supervisor, 'typing:stop', 1_000);
    await request(typist, 'typing:stop', { conversation_id: id });
    expect(await stopped).toEqual({ conversation_id: id, user_id: agent.id });
  });

  it('stops by itself after 3 s without a new typing:start, and a new start postpones it', async () => {
    const id = await conversationBeingAnswered();
    const starts = record(supervisor, 'typing:start');
    const began = Date.now();
    await request(typist, 'typing:start', { conversation_id: id });
    await sleep(1_000);
    await request(typist, 'typing:start', { conversation_id: id });
    const stopped = await nextEvent(supervisor, 'typing:stop', TYPING_STOP_AFTER_MS + 2_000);
    expect(stopped).toEqual({ conversation_id: id, user_id: agent.id });
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000 + TYPING_STOP_AFTER_MS - 50);
    expect(starts).toHaveLength(1);
  });

  it('announces a long burst again before it could look stale, so clients may drop silent ones at 10 s', async () => {
    const id = await conversationBeingAnswered();
    const starts = record<{ user_id: string }>(supervisor, 'typing:start');
    const began = Date.now();
    while (Date.now() - began < TYPING_STALE_AFTER_MS / 2 + 500) {
      await request(typist, 'typing:start', { conversation_id: id });
      await sleep(1_000);
    }
    await request(typist, 'typing:stop', { conversation_id: id });
    expect(starts).toHaveLength(2);
  });

  it('stops when the typist leaves the conversation', async () => {
    const id = await conversationBeingAnswered();
    await request(typist, 'typing:start', { conversation_id: id });
    const stopped = nextEvent(supervisor, 'typing:stop', 1_000);
    await request(typist, 'leave:conversation', { conversation_id: id });
    expect(await stopped).toEqual({ conversation_id: id, user_id: agent.id });
  });

  it('stops when the typing socket disconnects', async () => {
    const socket = await t.connect(agent.token);
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    await request(socket, 'join:conversation', { conversation_id: c.id });
    await request(socket, 'typing:start', { conversation_id: c.id });
    const stopped = nextEvent(supervisor, 'typing:stop', 1_000);
    socket.close();
    expect(await stopped).toEqual({ conversation_id: c.id, user_id: agent.id });
  });

  it('answers NOT_FOUND for a conversation the socket has not joined', async () => {
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    expect(await request(typistTab2, 'typing:start', { conversation_id: c.id })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });
});
