import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import type { DomainEvent } from '../../platform/events.js';
import { conversations, type Conversation } from '../conversations/conversations.table.js';
import { messages } from './messages.table.js';

describe('unread counts and mark-as-read', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let tenantId: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json();
    tenantId = me.tenant_id;
    adminId = me.id;
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const get = async (url: string) =>
    (await t.request({ method: 'GET', url: `/api/v1${url}`, token: admin })).json<Record<string, unknown>>();
  const patch = (url: string, payload?: object) =>
    t.request({ method: 'PATCH', url: `/api/v1${url}`, token: admin, ...(payload ? { payload } : {}) });

  /** Two unread contact messages, one read one, and agent messages in every WhatsApp state. */
  async function busyConversation(): Promise<{ c: Conversation; unread: string[] }> {
    const c = await createConversation(db(), tenantId, { unreadCount: 2, read: false });
    const unread = [(await createMessage(db(), c)).id, (await createMessage(db(), c)).id];
    await createMessage(db(), c, { readAt: new Date() });
    const agent = { senderType: 'user' as const, senderUserId: adminId };
    await createMessage(db(), c, { ...agent, whatsappStatus: 'sent' });
    await createMessage(db(), c, { ...agent, whatsappStatus: 'delivered' });
    await createMessage(db(), c, { ...agent, whatsappStatus: 'read' });
    await createMessage(db(), c, { ...agent, private: true });
    return { c, unread };
  }

  it('counts unread contact messages and agent messages the contact has not read', async () => {
    const { c } = await busyConversation();
    expect(await get(`/messages/conversation/${c.id}/unread-contact`)).toEqual({ count: 2 });
    expect(await get(`/messages/conversation/${c.id}/unread-agent`)).toEqual({ count: 2 });
    expect(await get(`/messages/unread-count?conversation_id=${c.id}`)).toEqual({ count: 2 });
  });

  it('counts unread messages across every visible conversation', async () => {
    const before = (await get('/messages/unread-count')).count as number;
    await busyConversation();
    await busyConversation();
    expect((await get('/messages/unread-count')).count).toBe(before + 4);
  });

  it('marks nothing read by reading', async () => {
    const { c } = await busyConversation();
    await get(`/messages/conversation/${c.id}`);
    await get(`/messages/conversation/${c.id}/cursor`);
    expect(await get(`/messages/conversation/${c.id}/unread-contact`)).toEqual({ count: 2 });
  });

  it('marks a conversation read, resets its counter and publishes conversation.read', async () => {
    const { c } = await busyConversation();
    const seen: DomainEvent[] = [];
    const stop = t.deps.events.subscribe('conversation.read', (e) => void seen.push(e));
    const res = await patch(`/messages/conversation/${c.id}/mark-as-read`);
    stop();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ updated: 2 });
    expect(await get(`/messages/conversation/${c.id}/unread-contact`)).toEqual({ count: 0 });
    expect(await get(`/conversations/${c.id}`)).toMatchObject({ unread_count: 0, read: true });
    expect(seen).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ id: c.id, read: true }) }),
    ]);
    expect((await patch(`/messages/conversation/${c.id}/mark-as-read`)).json()).toEqual({ updated: 0 });
  });

  it('marks listed messages read and recomputes each conversation’s counter', async () => {
    const { c, unread } = await busyConversation();
    const res = await patch('/messages/mark-as-read', { message_ids: [unread[0]] });
    expect(res.json()).toEqual({ updated: 1 });
    const [row] = await db().select().from(conversations).where(eq(conversations.id, c.id));
    expect(row).toMatchObject({ unreadCount: 1, read: false });
    await patch('/messages/mark-as-read', { message_ids: unread });
    const [after] = await db().select().from(conversations).where(eq(conversations.id, c.id));
    expect(after).toMatchObject({ unreadCount: 0, read: true });
    const [message] = await db().select().from(messages).where(eq(messages.id, unread[1]!));
    expect(message!.readAt).not.toBeNull();
  });

  it('validates the bulk body', async () => {
    expect((await patch('/messages/mark-as-read', { message_ids: [] })).statusCode).toBe(400);
    expect((await patch('/messages/mark-as-read', { message_ids: ['nope'] })).statusCode).toBe(400);
  });
});
