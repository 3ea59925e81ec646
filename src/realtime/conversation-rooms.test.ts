import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, createConversation } from '../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  nextEvent,
  request,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';

describe('joining and leaving conversation rooms', () => {
  let t: RealtimeTestApp;
  let agent: { id: string; token: string };
  let other: { id: string; token: string };
  let socket: ClientSocket;
  const conversation = (overrides: { assignedUserId?: string; assignedBotId?: string } = {}) =>
    createConversation(t.deps.database.db, t.tenantId, overrides);
  const join = (s: ClientSocket, conversationId: string) =>
    request(s, 'join:conversation', { conversation_id: conversationId });

  beforeAll(async () => {
    t = await createRealtimeTestApp();
    agent = await t.createUser('agent');
    other = await t.createUser('agent');
    socket = await t.connect(agent.token);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an agent join a conversation assigned to them, with an ack and joined_conversation', async () => {
    const c = await conversation({ assignedUserId: agent.id });
    const joined = nextEvent<{ conversation_id: string; timestamp: string }>(socket, 'joined_conversation');
    expect(await join(socket, c.id)).toEqual({ ok: true });
    expect(await joined).toEqual({ conversation_id: c.id, timestamp: expect.any(String) });
    expect(new Date((await joined).timestamp).toISOString()).toBe((await joined).timestamp);
  });

  it('lets an agent join unassigned and bot-assigned conversations', async () => {
    const bot = await createBot(t.deps.database.db, t.tenantId);
    expect(await join(socket, (await conversation()).id)).toEqual({ ok: true });
    expect(await join(socket, (await conversation({ assignedBotId: bot.id })).id)).toEqual({ ok: true });
  });

  it("answers NOT_FOUND for another agent's conversation", async () => {
    const c = await conversation({ assignedUserId: other.id });
    expect(await join(socket, c.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it("lets a supervisor join another agent's conversation", async () => {
    const supervisor = await t.createUser('supervisor');
    const s = await t.connect(supervisor.token);
    const c = await conversation({ assignedUserId: other.id });
    expect(await join(s, c.id)).toEqual({ ok: true });
  });

  it("answers NOT_FOUND for another tenant's conversation, even to its admin role", async () => {
    const foreign = await t.foreignUser('admin');
    const c = await createConversation(t.deps.database.db, foreign.tenantId);
    const admin = await t.connect(await t.adminToken());
    expect(await join(admin, c.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('answers NOT_FOUND for a conversation that does not exist', async () => {
    expect(await join(socket, '01900000-0000-7000-8000-000000000000')).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });

  it('answers VALIDATION_ERROR for a malformed payload', async () => {
    expect(await join(socket, 'not-a-uuid')).toMatchObject({ ok: false, code: 'VALIDATION_ERROR' });
    expect(await request(socket, 'join:conversation', { conversation_id: 'x', extra: 1 })).toMatchObject({
      ok: false,
      code: 'VALIDATION_ERROR',
    });
  });

  it('reports a failure as system:error when the client asked for no acknowledgement', async () => {
    const c = await conversation({ assignedUserId: other.id });
    const error = nextEvent(socket, 'system:error');
    socket.emit('join:conversation', { conversation_id: c.id });
    expect(await error).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('leaves a room with an ack and left_conversation', async () => {
    const c = await conversation();
    await join(socket, c.id);
    const left = nextEvent(socket, 'left_conversation');
    expect(await request(socket, 'leave:conversation', { conversation_id: c.id })).toEqual({ ok: true });
    expect(await left).toEqual({ conversation_id: c.id, timestamp: expect.any(String) });
  });
});
