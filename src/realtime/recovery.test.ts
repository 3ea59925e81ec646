import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  eventually,
  nextEvent,
  publishNewMessage,
  RECONNECTING,
  record,
  request,
  sleep,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';

describe('connection-state recovery', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives a client that drops and reconnects what it missed, with its rooms', async () => {
    const agent = await t.createUser('agent');
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    const socket = await t.connect(agent.token, RECONNECTING);
    expect(await request(socket, 'join:conversation', { conversation_id: c.id })).toEqual({ ok: true });
    const heard = record<{ id: string }>(socket, 'message:new');
    // Recovery resumes after the last packet received, so the client has heard something first.
    const before = await publishNewMessage(t, c);
    await eventually(() => heard.length > 0);

    socket.io.engine.close();
    expect(socket.connected).toBe(false);
    const missed = await publishNewMessage(t, c);
    await sleep(50);
    expect(heard).toHaveLength(1);

    await nextEvent(socket, 'connect');
    expect(socket.recovered).toBe(true);
    await eventually(() => heard.length > 1);
    expect(heard.map((m) => m.id)).toEqual([before, missed]);

    // Still in the conversation room without joining again: typing there is accepted.
    const supervisor = await t.connect((await t.createUser('supervisor')).token);
    const typing = nextEvent(supervisor, 'typing:start');
    expect(await request(socket, 'typing:start', { conversation_id: c.id })).toEqual({ ok: true });
    expect(await typing).toEqual({ conversation_id: c.id, user_id: agent.id });
  });

  it('does not restore a session whose token was logged out', async () => {
    const agent = await t.createUser('agent');
    const socket = await t.connect(agent.token, RECONNECTING);
    const c = await createConversation(t.deps.database.db, t.tenantId, { assignedUserId: agent.id });
    const heard = record(socket, 'message:new');
    await publishNewMessage(t, c);
    await eventually(() => heard.length > 0);
    const dropped = nextEvent(socket, 'disconnect');
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: agent.token });
    expect(await dropped).toBe('io server disconnect');
    await publishNewMessage(t, c);
    await sleep(RECONNECTING.reconnectionDelay! * 2);
    expect(socket.connected).toBe(false);
    expect(heard).toHaveLength(1);
  });
});
