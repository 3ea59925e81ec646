import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  createContact,
  createConversation,
  createIntegration,
  createUser,
} from '../../../test/helpers/factories.js';
import type { DomainEvent } from '../../platform/events.js';
import { conversations } from '../conversations/conversations.table.js';
import { createMessageService, type MessageService } from './messages.service.js';
import { messages } from './messages.table.js';

/** The path the WhatsApp webhook job takes for a customer's message. */
describe('recording inbound messages', () => {
  let t: TestApp;
  let admin: string;
  let tenantId: string;
  let service: MessageService;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
    service = createMessageService({ db: t.deps.database.db, events: t.deps.events });
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const row = async (id: string) =>
    (await db().select().from(conversations).where(eq(conversations.id, id)))[0]!;
  const events = async (work: () => Promise<unknown>) => {
    const seen: DomainEvent[] = [];
    const stop = t.deps.events.subscribe('*', (e) => void seen.push(e));
    try {
      await work();
    } finally {
      stop();
    }
    return seen;
  };

  it('stores the message at Meta’s time, counts it unread and opens the 24-hour window', async () => {
    const integration = await createIntegration(db(), tenantId);
    const c = await createConversation(db(), tenantId, { integrationId: integration.id });
    const sentAt = new Date(Date.now() - 60_000);
    const result = await service.recordInbound({
      tenantId,
      conversationId: c.id,
      body: 'Hi, is my order shipped?',
      whatsappMessageId: 'wamid.first',
      createdAt: sentAt,
    });
    expect(result!.message).toMatchObject({
      sender_type: 'contact',
      whatsapp_status: null,
      whatsapp_message_id: 'wamid.first',
      created_at: sentAt.toISOString(),
    });
    expect(result!.conversation).toMatchObject({
      unread_count: 1,
      read: false,
      window_expires_at: new Date(sentAt.getTime() + 24 * 3_600_000).toISOString(),
      last_message: { id: result!.message.id },
    });
    const reply = await t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: admin,
      payload: { conversation_id: c.id, body: 'Yes, today' },
    });
    expect(reply.statusCode).toBe(201);
  });

  it('ignores a message Meta delivers twice', async () => {
    const c = await createConversation(db(), tenantId);
    const input = { tenantId, conversationId: c.id, body: 'once', whatsappMessageId: 'wamid.twice' };
    await service.recordInbound(input);
    const seen = await events(async () => expect(await service.recordInbound(input)).toBeUndefined());
    // The earlier test's reply may still be failing its send meanwhile: only this conversation counts.
    const mentions = (e: DomainEvent) => JSON.stringify(e.payload).includes(c.id);
    expect(seen.filter(mentions)).toEqual([]);
    expect(await db().select().from(messages).where(eq(messages.conversationId, c.id))).toHaveLength(1);
    expect((await row(c.id)).unreadCount).toBe(1);
  });

  it('keeps the newest message as last_message when an older one arrives late', async () => {
    const c = await createConversation(db(), tenantId);
    const newer = await service.recordInbound({ tenantId, conversationId: c.id, body: 'second' });
    await service.recordInbound({
      tenantId,
      conversationId: c.id,
      body: 'first',
      createdAt: new Date(Date.now() - 3_600_000),
    });
    expect((await row(c.id)).lastMessageId).toBe(newer!.message.id);
  });

  it('reopens a closed conversation to the queue, unassigned, and says so', async () => {
    const agent = await createUser(db(), tenantId);
    const c = await createConversation(db(), tenantId, {
      status: 'closed',
      assignedUserId: agent.id,
      closedAt: new Date(),
    });
    const seen = await events(() =>
      service.recordInbound({ tenantId, conversationId: c.id, body: 'me again' }),
    );
    expect(await row(c.id)).toMatchObject({ status: 'queue', assignedUserId: null, closedAt: null });
    expect(seen.map((e) => e.type)).toEqual([
      'message.created',
      'conversation.updated',
      'conversation.status_changed',
    ]);
    const trail = await t.request({
      method: 'GET',
      url: `/api/v1/conversations/${c.id}/events`,
      token: admin,
    });
    expect(trail.json().data).toEqual([
      expect.objectContaining({
        kind: 'reopened',
        actor_user_id: null,
        from_user_id: agent.id,
        from_status: 'closed',
        to_status: 'queue',
      }),
    ]);
  });

  it('publishes only after the commit: listeners already find the message stored', async () => {
    const c = await createConversation(db(), tenantId);
    const found: boolean[] = [];
    const stop = t.deps.events.subscribe('message.created', async (e) => {
      const id = (e.payload as { id: string }).id;
      found.push((await db().select().from(messages).where(eq(messages.id, id))).length === 1);
    });
    await service.recordInbound({ tenantId, conversationId: c.id, body: 'committed?' });
    stop();
    await expect.poll(() => found).toEqual([true]);
  });

  it('publishes nothing and stores nothing when the transaction fails', async () => {
    // Reopening would make a second open conversation for the same contact and number: the update
    // after the message insert fails, and the whole transaction with it.
    const contact = await createContact(db(), tenantId);
    const integration = await createIntegration(db(), tenantId);
    const same = { contactId: contact.id, integrationId: integration.id };
    const closed = await createConversation(db(), tenantId, { ...same, status: 'closed' });
    await createConversation(db(), tenantId, same);
    const seen = await events(() =>
      expect(
        service.recordInbound({ tenantId, conversationId: closed.id, body: 'lost' }),
      ).rejects.toMatchObject({
        status: 409,
      }),
    );
    expect(seen).toEqual([]);
    expect(await db().select().from(messages).where(eq(messages.conversationId, closed.id))).toEqual([]);
    expect((await row(closed.id)).status).toBe('closed');
  });
});
