import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createBot, createConversation, createTenant, createUser } from '../../../test/helpers/factories.js';
import { pgErrorCode } from '../../db/errors.js';
import type { DomainEvent } from '../../platform/events.js';
import { auditLogs } from '../audit/audit.table.js';
import { asAssignmentConflict, violatedConstraint } from './assignment-conflict.js';
import { conversations } from './conversations.table.js';

describe('conversation assignment', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  let agent: { id: string; token: string };
  let colleague: { id: string; token: string };
  let botId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
    agent = await t.createUser('agent');
    colleague = await t.createUser('agent');
    botId = (await createBot(t.deps.database.db, tenantId)).id;
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const conversation = (overrides = {}) => createConversation(db(), tenantId, overrides);
  const call = (method: 'PATCH' | 'POST', id: string, action: string, token: string, payload?: object) =>
    t.request({
      method,
      url: `/api/v1/conversations/${id}/${action}`,
      token,
      ...(payload ? { payload } : {}),
    });
  const assign = (id: string, token: string, payload?: object) => call('PATCH', id, 'assign', token, payload);
  const transfer = (id: string, token: string, payload: object) =>
    call('POST', id, 'transfer', token, payload);
  const trail = async (id: string) =>
    (await t.request({ method: 'GET', url: `/api/v1/conversations/${id}/events`, token: admin })).json<{
      data: Record<string, unknown>[];
    }>().data;

  describe('assign', () => {
    it('assigns to a user, activates the conversation and resets its unread counter', async () => {
      const c = await conversation({ unreadCount: 3, read: false });
      const res = await assign(c.id, admin, { user_id: agent.id });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        assigned_user_id: agent.id,
        assigned_bot_id: null,
        status: 'active',
        unread_count: 0,
      });
      expect(await trail(c.id)).toEqual([
        expect.objectContaining({
          kind: 'assigned',
          to_user_id: agent.id,
          from_status: 'queue',
          to_status: 'active',
        }),
      ]);
    });

    it('assigns to the caller when the body is empty or missing', async () => {
      const a = await conversation();
      const b = await conversation();
      expect((await assign(a.id, agent.token, {})).json().assigned_user_id).toBe(agent.id);
      expect((await assign(b.id, agent.token)).json().assigned_user_id).toBe(agent.id);
    });

    it('moves a conversation from a user to a bot, clearing the user', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const res = await assign(c.id, admin, { bot_id: botId });
      expect(res.json()).toMatchObject({ assigned_user_id: null, assigned_bot_id: botId });
    });

    it('answers 400 ASSIGNMENT_CONFLICT for a user and a bot at once, changing nothing', async () => {
      const c = await conversation();
      const res = await assign(c.id, admin, { user_id: agent.id, bot_id: botId });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('ASSIGNMENT_CONFLICT');
      const [row] = await db().select().from(conversations).where(eq(conversations.id, c.id));
      expect(row).toMatchObject({ assignedUserId: null, assignedBotId: null, status: 'queue' });
    });

    it('answers 400 for a user or bot of another tenant', async () => {
      const other = await createTenant(db());
      const stranger = await createUser(db(), other.id);
      const strangeBot = await createBot(db(), other.id);
      const c = await conversation();
      for (const [payload, field] of [
        [{ user_id: stranger.id }, 'user_id'],
        [{ bot_id: strangeBot.id }, 'bot_id'],
      ] as const) {
        const res = await assign(c.id, admin, payload);
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].field).toBe(field);
      }
    });

    it('lets an agent take a conversation for itself but not give one to someone else', async () => {
      const unassigned = await conversation();
      const botOwned = await conversation({ assignedBotId: botId, status: 'active' });
      expect((await assign(botOwned.id, agent.token)).json()).toMatchObject({
        assigned_user_id: agent.id,
        assigned_bot_id: null,
      });
      for (const payload of [{ user_id: colleague.id }, { bot_id: botId }]) {
        const res = await assign(unassigned.id, agent.token, payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(403);
      }
    });

    it('publishes assigned, status_changed and unread_reset after the commit', async () => {
      const c = await conversation({ unreadCount: 1 });
      const seen: DomainEvent[] = [];
      const stop = t.deps.events.subscribe('*', (e) => void seen.push(e));
      await assign(c.id, admin, { user_id: agent.id });
      stop();
      const mine = seen.filter((e) => (e.payload as { id?: string }).id === c.id);
      expect(mine.map((e) => e.type)).toEqual([
        'conversation.assigned',
        'conversation.status_changed',
        'conversation.unread_reset',
      ]);
      expect(mine[0]).toMatchObject({ tenantId, payload: { assigned_user_id: agent.id } });
    });
  });

  describe('the database', () => {
    it('refuses a user and a bot at once (check violation on conversations_assignee_xor)', async () => {
      const c = await conversation();
      const error = await db()
        .update(conversations)
        .set({ assignedUserId: agent.id, assignedBotId: botId })
        .where(eq(conversations.id, c.id))
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(pgErrorCode(error)).toBe('23514');
      expect(violatedConstraint(error)).toBe('conversations_assignee_xor');
    });

    it('has its violation answered as 400 ASSIGNMENT_CONFLICT', async () => {
      const c = await conversation();
      const write = asAssignmentConflict(() =>
        db().execute(
          sql`update conversations set assigned_user_id = ${agent.id}, assigned_bot_id = ${botId} where id = ${c.id}`,
        ),
      );
      await expect(write).rejects.toMatchObject({ status: 400, code: 'ASSIGNMENT_CONFLICT' });
    });
  });

  describe('unassign', () => {
    it('puts an agent’s own conversation back in the queue', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const res = await call('PATCH', c.id, 'unassign', agent.token);
      expect(res.json()).toMatchObject({ assigned_user_id: null, status: 'queue' });
      expect((await trail(c.id))[0]).toMatchObject({ kind: 'unassigned', from_user_id: agent.id });
    });

    it('forbids an agent to unassign a conversation that is not its own', async () => {
      const c = await conversation({ assignedBotId: botId, status: 'active' });
      expect((await call('PATCH', c.id, 'unassign', agent.token)).statusCode).toBe(403);
      expect((await call('PATCH', c.id, 'unassign', admin)).json().assigned_bot_id).toBeNull();
    });
  });

  describe('transfer', () => {
    it('records who transferred, from whom, to whom and why; audits it', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const res = await transfer(c.id, agent.token, { user_id: colleague.id, note: 'Spanish speaker' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ assigned_user_id: colleague.id, status: 'transferred' });
      expect(await trail(c.id)).toEqual([
        expect.objectContaining({
          kind: 'transferred',
          actor_user_id: agent.id,
          from_user_id: agent.id,
          to_user_id: colleague.id,
          note: 'Spanish speaker',
          from_status: 'active',
          to_status: 'transferred',
        }),
      ]);
      const audit = await db()
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.entityId, c.id), eq(auditLogs.action, 'transfer')));
      expect(audit).toHaveLength(1);
    });

    it('stays transferred until the new assignee sends a message', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      await transfer(c.id, admin, { user_id: colleague.id });
      const send = (token: string) =>
        t.request({
          method: 'POST',
          url: '/api/v1/messages',
          token,
          payload: { conversation_id: c.id, body: 'hi' },
        });
      expect((await send(admin)).statusCode).toBe(201);
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/conversations/${c.id}`, token: admin })).json()
          .status,
      ).toBe('transferred');
      expect((await send(colleague.token)).statusCode).toBe(201);
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/conversations/${c.id}`, token: admin })).json()
          .status,
      ).toBe('active');
      expect((await trail(c.id)).at(-1)).toMatchObject({
        kind: 'status_changed',
        actor_user_id: colleague.id,
        from_status: 'transferred',
        to_status: 'active',
      });
    });

    it('becomes active when the new assignee assigns it to itself', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      await transfer(c.id, agent.token, { user_id: colleague.id });
      expect((await assign(c.id, colleague.token)).json().status).toBe('active');
    });

    it('hands a conversation to a bot', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const res = await transfer(c.id, agent.token, { bot_id: botId });
      expect(res.json()).toMatchObject({
        assigned_user_id: null,
        assigned_bot_id: botId,
        status: 'transferred',
      });
      expect((await trail(c.id))[0]).toMatchObject({ from_user_id: agent.id, to_bot_id: botId });
    });

    it('lets agents transfer only their own conversations', async () => {
      const unassigned = await conversation();
      expect((await transfer(unassigned.id, agent.token, { user_id: colleague.id })).statusCode).toBe(403);
      const theirs = await conversation({ assignedUserId: colleague.id, status: 'active' });
      expect((await transfer(theirs.id, agent.token, { user_id: agent.id })).statusCode).toBe(404);
      expect((await transfer(unassigned.id, admin, { user_id: colleague.id })).statusCode).toBe(200);
    });

    it('refuses both targets, no target, the current assignee and closed conversations', async () => {
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const both = await transfer(c.id, admin, { user_id: colleague.id, bot_id: botId });
      expect(both.json().code).toBe('ASSIGNMENT_CONFLICT');
      expect((await transfer(c.id, admin, { note: 'nobody' })).json().code).toBe('VALIDATION_ERROR');
      expect((await transfer(c.id, admin, { user_id: agent.id })).statusCode).toBe(400);
      const closed = await conversation({ assignedUserId: agent.id, status: 'closed' });
      expect((await transfer(closed.id, admin, { user_id: colleague.id })).statusCode).toBe(400);
    });
  });

  it('needs conversations:assign', async () => {
    const role = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'writer-only', permissions: ['conversations:write'] },
    });
    expect(role.statusCode).toBe(201);
    const writer = await t.createUser('writer-only');
    const c = await conversation();
    expect((await assign(c.id, writer.token)).statusCode).toBe(403);
    expect((await transfer(c.id, writer.token, { user_id: agent.id })).statusCode).toBe(403);
  });
});
