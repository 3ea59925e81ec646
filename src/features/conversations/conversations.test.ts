import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  createContact,
  createConversation,
  createIntegration,
  createMessage,
} from '../../../test/helpers/factories.js';
import { auditLogs } from '../audit/audit.table.js';
import { messages } from '../messages/messages.table.js';

describe('conversations', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const conversation = (overrides = {}) => createConversation(db(), tenantId, overrides);
  const get = (id: string, token = admin) =>
    t.request({ method: 'GET', url: `/api/v1/conversations/${id}`, token });
  const patch = (id: string, payload: object, token = admin) =>
    t.request({ method: 'PATCH', url: `/api/v1/conversations/${id}`, token, payload });

  describe('create', () => {
    it('opens a conversation in the queue with its contact, records it and audits it', async () => {
      const contact = await createContact(db(), tenantId, { name: 'Ana' });
      const integration = await createIntegration(db(), tenantId);
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/conversations',
        token: admin,
        payload: { contact_id: contact.id, integration_id: integration.id },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        contact: {
          id: contact.id,
          name: 'Ana',
          phone_number: contact.phoneNumber,
          external_id: contact.externalId,
        },
        integration_id: integration.id,
        status: 'queue',
        assigned_user_id: null,
        assigned_bot_id: null,
        unread_count: 0,
        read: true,
        priority: 'normal',
        window_expires_at: null,
        last_message: null,
      });
      const events = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/${body.id}/events`,
        token: admin,
      });
      expect(events.json().data).toEqual([expect.objectContaining({ kind: 'created', to_status: 'queue' })]);
      const audit = await db()
        .select()
        .from(auditLogs)
        .where(and(eq(auditLogs.entityId, body.id), eq(auditLogs.action, 'create')));
      expect(audit).toHaveLength(1);
    });

    it('answers 409 for a second open conversation of the same contact on the same number', async () => {
      const contact = await createContact(db(), tenantId);
      const integration = await createIntegration(db(), tenantId);
      const payload = { contact_id: contact.id, integration_id: integration.id };
      const create = () => t.request({ method: 'POST', url: '/api/v1/conversations', token: admin, payload });
      expect((await create()).statusCode).toBe(201);
      const again = await create();
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('CONFLICT');
    });

    it('answers 404 for an unknown contact, like reading it, and creates nothing', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/conversations',
        token: admin,
        payload: { contact_id: '0195f3c2-0000-7000-8000-000000000000' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    });

    it('answers 400 for an unknown integration and for unknown fields', async () => {
      const contact = await createContact(db(), tenantId);
      for (const payload of [
        { contact_id: contact.id, integration_id: '0195f3c2-0000-7000-8000-000000000000' },
        { contact_id: contact.id, status: 'active' },
      ]) {
        const res = await t.request({ method: 'POST', url: '/api/v1/conversations', token: admin, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().code).toBe('VALIDATION_ERROR');
      }
    });
  });

  describe('status', () => {
    it('closes a conversation from any status and reopens it to the queue, unassigned', async () => {
      const agent = await t.createUser('agent');
      const c = await conversation({ assignedUserId: agent.id, status: 'active' });
      const closed = await patch(c.id, { status: 'closed' });
      expect(closed.statusCode).toBe(200);
      expect(closed.json()).toMatchObject({ status: 'closed', assigned_user_id: agent.id });
      const reopened = await patch(c.id, { status: 'queue' });
      expect(reopened.json()).toMatchObject({ status: 'queue', assigned_user_id: null });
      const events = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/${c.id}/events`,
        token: admin,
      });
      expect(events.json().data.map((e: { kind: string }) => e.kind)).toEqual(['status_changed', 'reopened']);
      expect(events.json().data[1]).toMatchObject({
        from_status: 'closed',
        to_status: 'queue',
        from_user_id: agent.id,
      });
    });

    it('refuses transitions the status machine does not allow', async () => {
      const queued = await conversation();
      const active = await conversation({
        assignedUserId: (await t.createUser('agent')).id,
        status: 'active',
      });
      for (const [id, status] of [
        [queued.id, 'active'],
        [queued.id, 'transferred'],
        [active.id, 'queue'],
      ] as const) {
        const res = await patch(id, { status });
        expect(res.statusCode, status).toBe(400);
        expect(res.json().errors[0].field).toBe('status');
      }
    });

    it('answers 409 when reopening would make a second open conversation', async () => {
      const contact = await createContact(db(), tenantId);
      const integration = await createIntegration(db(), tenantId);
      const same = { contactId: contact.id, integrationId: integration.id };
      const closed = await conversation({ ...same, status: 'closed' });
      await conversation(same);
      expect((await patch(closed.id, { status: 'queue' })).statusCode).toBe(409);
    });

    it('changes the priority', async () => {
      const c = await conversation();
      const res = await patch(c.id, { priority: 'urgent' });
      expect(res.json().priority).toBe('urgent');
      expect((await patch(c.id, { priority: 'whenever' })).statusCode).toBe(400);
    });
  });

  describe('read state', () => {
    it('marks read (messages too) and unread', async () => {
      const c = await conversation({ unreadCount: 2, read: false });
      await createMessage(db(), c);
      await createMessage(db(), c);
      const read = await t.request({
        method: 'PATCH',
        url: `/api/v1/conversations/${c.id}/read`,
        token: admin,
      });
      expect(read.json()).toMatchObject({ unread_count: 0, read: true });
      const rows = await db().select().from(messages).where(eq(messages.conversationId, c.id));
      expect(rows.every((m) => m.readAt !== null)).toBe(true);
      const unread = await t.request({
        method: 'PATCH',
        url: `/api/v1/conversations/${c.id}/unread`,
        token: admin,
      });
      expect(unread.json()).toMatchObject({ read: false });
    });
  });

  describe('lists', () => {
    it('filters by status, assignee, integration, unread, tag and contact search', async () => {
      const agent = await t.createUser('agent');
      const integration = await createIntegration(db(), tenantId);
      const named = await createContact(db(), tenantId, { name: 'Zebediah Quux' });
      const mine = await conversation({
        assignedUserId: agent.id,
        status: 'active',
        integrationId: integration.id,
      });
      const unread = await conversation({ read: false, contactId: named.id });
      const tag = await t.request({
        method: 'POST',
        url: '/api/v1/tags',
        token: admin,
        payload: { name: 'vip-filter' },
      });
      await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${named.id}/tags`,
        token: admin,
        payload: { tag_ids: [tag.json().id] },
      });
      const ids = async (query: string, token = admin) =>
        (await t.request({ method: 'GET', url: `/api/v1/conversations?limit=100&${query}`, token }))
          .json<{ data: { id: string }[] }>()
          .data.map((c) => c.id);
      expect(await ids('assignee=me', agent.token)).toEqual([mine.id]);
      expect(await ids(`assigned_user_id=${agent.id}`)).toEqual([mine.id]);
      expect(await ids(`integration_id=${integration.id}`)).toEqual([mine.id]);
      expect(await ids('status=active')).toContain(mine.id);
      expect(await ids('status=active')).not.toContain(unread.id);
      expect(await ids('unread=true')).toContain(unread.id);
      expect(await ids('unread=true')).not.toContain(mine.id);
      expect(await ids('unread=false')).toContain(mine.id);
      expect(await ids('search=zebediah')).toEqual([unread.id]);
      expect(await ids(`tag_id=${tag.json().id}`)).toEqual([unread.id]);
      expect(await ids('assignee=unassigned')).toContain(unread.id);
      expect(await ids('assignee=unassigned')).not.toContain(mine.id);
    });

    it('orders by last activity and answers page meta', async () => {
      const older = await conversation({ lastMessageAt: new Date(Date.now() + 60_000) });
      const newer = await conversation({ lastMessageAt: new Date(Date.now() + 120_000) });
      const res = await t.request({ method: 'GET', url: '/api/v1/conversations?limit=2', token: admin });
      expect(res.json().data.map((c: { id: string }) => c.id)).toEqual([newer.id, older.id]);
      expect(res.json().meta).toMatchObject({ page: 1, limit: 2 });
      expect(res.json().meta.total).toBeGreaterThanOrEqual(2);
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/conversations?limit=101', token: admin })).statusCode,
      ).toBe(400);
    });
  });

  describe('delete', () => {
    it('lets a supervisor delete a conversation with its messages, and forbids agents', async () => {
      const c = await conversation();
      await createMessage(db(), c);
      const agent = await t.createUser('agent');
      expect(
        (await t.request({ method: 'DELETE', url: `/api/v1/conversations/${c.id}`, token: agent.token }))
          .statusCode,
      ).toBe(403);
      const supervisor = await t.createUser('supervisor');
      const res = await t.request({
        method: 'DELETE',
        url: `/api/v1/conversations/${c.id}`,
        token: supervisor.token,
      });
      expect(res.statusCode).toBe(204);
      expect((await get(c.id)).statusCode).toBe(404);
      expect(await db().select().from(messages).where(eq(messages.conversationId, c.id))).toEqual([]);
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another tenant's conversation on every id route", async () => {
      const other = await t.request({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: {
          tenant_name: 'Elsewhere',
          name: 'E',
          email: 'e@elsewhere.test',
          password: 'correct horse',
        },
      });
      const token = other.json().access_token as string;
      const otherUser = other.json().user.id as string;
      const c = await conversation();
      const routes: ['GET' | 'PATCH' | 'DELETE' | 'POST', string, object?][] = [
        ['GET', ''],
        ['PATCH', '', { priority: 'high' }],
        ['DELETE', ''],
        ['PATCH', '/assign', {}],
        ['PATCH', '/assign', { user_id: otherUser }],
        ['PATCH', '/unassign'],
        ['PATCH', '/read'],
        ['PATCH', '/unread'],
        ['POST', '/transfer', { user_id: otherUser }],
        ['GET', '/events'],
      ];
      for (const [method, suffix, payload] of routes) {
        const res = await t.request({
          method,
          url: `/api/v1/conversations/${c.id}${suffix}`,
          token,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode, `${method} ${suffix}`).toBe(404);
      }
      const list = await t.request({ method: 'GET', url: '/api/v1/conversations?limit=100', token });
      expect(list.json().data).toEqual([]);
      expect((await get(c.id)).json().priority).toBe('normal');
    });
  });
});
