import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { conversations, type Conversation } from '../db/schema.js';
import { DomainEventType, type DomainEventName } from '../platform/event-types.js';
import { createBot, createConversation, createMessage } from '../../test/helpers/factories.js';
import {
  createRealtimeTestApp,
  eventually,
  nextEvent,
  record,
  request,
  sleep,
  type ClientSocket,
  type RealtimeTestApp,
} from '../../test/helpers/realtime.js';

/** REST-shaped payloads, as services publish them (the listener passes them through untouched). */
const conversationDto = (c: Conversation) => ({
  id: c.id,
  status: c.status,
  assigned_user_id: c.assignedUserId,
  assigned_bot_id: c.assignedBotId,
});
const messageDto = (m: { id: string; conversationId: string; body: string | null }) => ({
  id: m.id,
  conversation_id: m.conversationId,
  body: m.body,
});

/** Long enough for an emit that would reach a socket to have arrived. */
const SETTLE_MS = 200;

describe('the domain event listener', () => {
  let t: RealtimeTestApp;
  /** One socket per person; `agent` is the assignee in the assigned cases. */
  const sockets: Record<string, ClientSocket> = {};
  const ids: Record<string, string> = {};
  let foreignTenantId: string;

  const db = () => t.deps.database.db;
  const publish = (type: DomainEventName, payload: unknown, tenantId = t.tenantId) =>
    t.deps.events.publish({ type, tenantId, payload });

  /** Who hears `event` (and how many times) after `act`; waits for `expected` first. */
  async function audience(event: string, expected: string[], act: () => void | Promise<void>) {
    const seen = Object.fromEntries(Object.entries(sockets).map(([who, s]) => [who, record(s, event)]));
    await act();
    await Promise.all(expected.map((who) => eventually(() => seen[who]!.length > 0)));
    await sleep(SETTLE_MS);
    for (const s of Object.values(sockets)) s.off(event);
    return Object.fromEntries(
      Object.entries(seen).flatMap(([who, got]) => (got.length ? [[who, got.length]] : [])),
    );
  }

  beforeAll(async () => {
    t = await createRealtimeTestApp();
    const admin = await t.adminToken();
    const lead = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'lead', permissions: ['conversations:read_all'] },
    });
    expect(lead.statusCode).toBe(201);
    const people = {
      agent: await t.createUser('agent'),
      otherAgent: await t.createUser('agent'),
      supervisor: await t.createUser('supervisor'),
      lead: await t.createUser('lead'),
    };
    for (const [who, user] of Object.entries(people)) {
      ids[who] = user.id;
      sockets[who] = await t.connect(user.token);
    }
    sockets.agentTab2 = await t.connect(people.agent.token);
    sockets.admin = await t.connect(admin);
    const foreignAgent = await t.foreignUser('agent');
    foreignTenantId = foreignAgent.tenantId;
    sockets.foreignAgent = await t.connect(foreignAgent.token);
  });
  afterAll(async () => {
    await t.close();
  });

  const everyone = ['agent', 'agentTab2', 'otherAgent', 'supervisor', 'lead', 'admin'];
  const whoSeeAll = ['supervisor', 'lead', 'admin'];
  const once = (who: string[]) => Object.fromEntries(who.map((w) => [w, 1]));

  describe('maps each domain event to its socket event with the REST payload', () => {
    const cases: [DomainEventName, string, 'message' | 'conversation'][] = [
      [DomainEventType.MessageCreated, 'message:new', 'message'],
      [DomainEventType.MessageStatus, 'message:status', 'message'],
      [DomainEventType.MessageUpdated, 'message:updated', 'message'],
      [DomainEventType.MessageDeleted, 'message:updated', 'message'],
      [DomainEventType.MessageReaction, 'message:reaction', 'message'],
      [DomainEventType.ConversationCreated, 'conversation:new', 'conversation'],
      [DomainEventType.ConversationAssigned, 'conversation:assigned', 'conversation'],
      [DomainEventType.ConversationStatusChanged, 'conversation:status_changed', 'conversation'],
      [DomainEventType.ConversationUpdated, 'conversation:updated', 'conversation'],
      [DomainEventType.ConversationUnreadReset, 'conversation:unread_reset', 'conversation'],
      [DomainEventType.ConversationRead, 'conversation:read', 'conversation'],
      [DomainEventType.ConversationUnread, 'conversation:unread', 'conversation'],
    ];
    it.each(cases)('%s -> %s', async (type, event, kind) => {
      const c = await createConversation(db(), t.tenantId, { assignedUserId: ids.agent! });
      const payload = kind === 'message' ? messageDto(await createMessage(db(), c)) : conversationDto(c);
      const received = nextEvent(sockets.agent!, event);
      publish(type, payload);
      expect(await received).toEqual(payload);
    });
  });

  it("sends an assigned conversation's message to the assignee (every tab) and to whoever reads all, once each", async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: ids.agent! });
    const m = await createMessage(db(), c);
    const heard = await audience('message:new', ['agent', 'agentTab2', ...whoSeeAll], () =>
      publish(DomainEventType.MessageCreated, messageDto(m)),
    );
    expect(heard).toEqual(once(['agent', 'agentTab2', ...whoSeeAll]));
  });

  it("sends an unassigned conversation's message to every user of the tenant, once each", async () => {
    const c = await createConversation(db(), t.tenantId);
    await request(sockets.admin!, 'join:conversation', { conversation_id: c.id });
    const m = await createMessage(db(), c);
    const heard = await audience('message:new', everyone, () =>
      publish(DomainEventType.MessageCreated, messageDto(m)),
    );
    expect(heard).toEqual(once(everyone));
  });

  it("sends a bot-assigned conversation's events to every user of the tenant", async () => {
    const bot = await createBot(db(), t.tenantId);
    const c = await createConversation(db(), t.tenantId, { assignedBotId: bot.id });
    const heard = await audience('conversation:new', everyone, () =>
      publish(DomainEventType.ConversationCreated, conversationDto(c)),
    );
    expect(heard).toEqual(once(everyone));
  });

  it("decides a conversation event's audience by the assignee in its payload", async () => {
    const c = await createConversation(db(), t.tenantId);
    const assigned = { ...conversationDto(c), assigned_user_id: ids.otherAgent! };
    const heard = await audience('conversation:assigned', ['otherAgent', ...whoSeeAll], () =>
      publish(DomainEventType.ConversationAssigned, assigned),
    );
    expect(heard).toEqual(once(['otherAgent', ...whoSeeAll]));
  });

  it('never sends an event across tenants', async () => {
    const foreign = await createConversation(db(), foreignTenantId);
    const m = await createMessage(db(), foreign);
    const heard = await audience('message:new', ['foreignAgent'], () =>
      publish(DomainEventType.MessageCreated, messageDto(m), foreignTenantId),
    );
    expect(heard).toEqual({ foreignAgent: 1 });
  });

  it('drops an event whose conversation is not of the tenant it was published for', async () => {
    const foreign = await createConversation(db(), foreignTenantId);
    const m = await createMessage(db(), foreign);
    const heard = await audience('message:new', [], () =>
      publish(DomainEventType.MessageCreated, messageDto(m), t.tenantId),
    );
    expect(heard).toEqual({});
  });

  it('removes from the conversation room a socket that can no longer see the conversation', async () => {
    const c = await createConversation(db(), t.tenantId);
    expect(await request(sockets.otherAgent!, 'join:conversation', { conversation_id: c.id })).toEqual({
      ok: true,
    });
    const left = nextEvent(sockets.otherAgent!, 'left_conversation');
    const [row] = await db()
      .update(conversations)
      .set({ assignedUserId: ids.agent! })
      .where(eq(conversations.id, c.id))
      .returning();
    const assigned = conversationDto(row!);
    const heard = await audience('conversation:assigned', ['agent', ...whoSeeAll], () =>
      publish(DomainEventType.ConversationAssigned, assigned),
    );
    expect(heard).toEqual(once(['agent', 'agentTab2', ...whoSeeAll]));
    expect(await left).toEqual({ conversation_id: c.id, timestamp: expect.any(String) });
    const m = await createMessage(db(), c);
    const next = await audience('message:new', ['agent'], () =>
      publish(DomainEventType.MessageCreated, messageDto(m)),
    );
    expect(next).toEqual(once(['agent', 'agentTab2', ...whoSeeAll]));
  });

  it('keeps the order in which events about one conversation were published', async () => {
    const c = await createConversation(db(), t.tenantId, { assignedUserId: ids.agent! });
    const m = await createMessage(db(), c);
    const order: string[] = [];
    for (const e of ['message:new', 'message:status', 'message:updated'])
      sockets.agent!.on(e, () => order.push(e));
    const last = nextEvent(sockets.agent!, 'message:updated');
    publish(DomainEventType.MessageCreated, messageDto(m));
    publish(DomainEventType.MessageStatus, messageDto(m));
    publish(DomainEventType.MessageUpdated, messageDto(m));
    await last;
    for (const e of ['message:new', 'message:status', 'message:updated']) sockets.agent!.off(e);
    expect(order).toEqual(['message:new', 'message:status', 'message:updated']);
  });
});
