import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import { pendingStatuses } from '../../features/webhooks/webhooks.table.js';
import { DomainEventType } from '../../platform/event-types.js';
import { toWireBody } from '../../../test/helpers/whatsapp-fixtures.js';
import { applyPendingStatuses } from '../statuses.js';
import {
  businessMessage,
  connectFixtureNumbers,
  deliver,
  envelope,
  inboundMessage,
  postWebhook,
  queries,
  reactionWebhook,
  resetInbound,
  settled,
  statusWebhook,
  textWebhook,
  type InboundWorld,
  type Sender,
} from './inbound.test-helpers.js';

const HOUR = 3_600_000;
const ANA: Sender = { from: '34612345678', name: 'Ana' };
/** A username user: no wa_id, only the business-scoped id. */
const USERNAME_ONLY: Sender = { from: '', userId: 'US.13491208655302741918', name: 'Sheena' };
const BOTH_IDS: Sender = { from: '16505551234', userId: 'US.13491208655302741918', name: 'Sheena' };

describe('inbound processing: idempotent and order-tolerant', () => {
  let t: TestApp;
  let w: InboundWorld;
  let q: ReturnType<typeof queries>;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    w = await connectFixtureNumbers(t);
    q = queries(t, w.tenantId);
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    await resetInbound(t);
  });

  const closeConversation = async (id: string) => {
    const res = await t.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${id}`,
      token: admin,
      payload: { status: 'closed' },
    });
    expect(res.statusCode).toBe(200);
  };

  describe('duplicates', () => {
    it('creates nothing new when Meta delivers the same body twice', async () => {
      const body = toWireBody(textWebhook(ANA, 'wamid.dup-1', 'Hola'));
      await postWebhook(t, body);
      await postWebhook(t, body);
      await settled(t);
      expect(await q.messages()).toHaveLength(1);
      expect(await q.contacts()).toHaveLength(1);
      const [conversation] = await q.conversations();
      expect(conversation!.unreadCount).toBe(1);
      expect((await q.events()).map((e) => e.status)).toEqual(['processed', 'processed']);
    });

    it('creates nothing when a message is redelivered days later, after its conversation was closed', async () => {
      const body = toWireBody(textWebhook(ANA, 'wamid.late-1', 'Hola', new Date(Date.now() - 3 * 24 * HOUR)));
      await postWebhook(t, body);
      await settled(t);
      const [conversation] = await q.conversations();
      await closeConversation(conversation!.id);
      await postWebhook(t, body);
      await settled(t);
      expect(await q.messages()).toHaveLength(1);
      expect(await q.conversations()).toEqual([
        expect.objectContaining({ id: conversation!.id, status: 'closed', unreadCount: 1 }),
      ]);
    });

    it('publishes nothing for a redelivered message', async () => {
      const body = toWireBody(textWebhook(ANA, 'wamid.dup-2', 'Hola'));
      await deliver(t, body);
      const events: string[] = [];
      const stop = t.deps.events.subscribe('*', (e) => void events.push(e.type));
      await deliver(t, body);
      stop();
      expect(events).toEqual([]);
    });
  });

  describe('order', () => {
    it('never moves a status backwards when read arrives before sent and delivered', async () => {
      const sent = await businessMessage(t, w, 'wamid.biz-order');
      const at = new Date();
      await deliver(t, statusWebhook('wamid.biz-order', 'read', at));
      await deliver(t, statusWebhook('wamid.biz-order', 'delivered', new Date(at.getTime() - 1000)));
      await deliver(t, statusWebhook('wamid.biz-order', 'sent', new Date(at.getTime() - 2000)));
      const message = await q.message(sent.whatsappMessageId!);
      expect(message).toMatchObject({ whatsappStatus: 'read' });
      expect(message!.readAt).not.toBeNull();
    });

    it('keeps a status that arrives before its message and applies it when the message is stored', async () => {
      await deliver(t, statusWebhook('wamid.biz-early', 'delivered'));
      const db = t.deps.database.db;
      expect(
        await db.select().from(pendingStatuses).where(eq(pendingStatuses.wamid, 'wamid.biz-early')),
      ).toHaveLength(1);
      expect((await q.events())[0]!.status).toBe('processed');
      // What the send job does once Graph answered with the wamid.
      await db.transaction(async (tx) => {
        const conversation = await createConversation(tx, w.tenantId, { integrationId: w.integrationId });
        await createMessage(tx, conversation, {
          senderType: 'user',
          senderUserId: w.adminId,
          whatsappMessageId: 'wamid.biz-early',
          whatsappStatus: 'sent',
        });
        await applyPendingStatuses(tx, w.tenantId, 'wamid.biz-early');
      });
      expect(await q.message('wamid.biz-early')).toMatchObject({ whatsappStatus: 'delivered' });
    });

    it('keeps a reaction that arrives before its target on the raw event only', async () => {
      await deliver(t, reactionWebhook(ANA, 'wamid.react-early', 'wamid.target-late', '🎉'));
      await deliver(t, textWebhook(ANA, 'wamid.target-late', 'Look'));
      const target = await q.message('wamid.target-late');
      expect(await q.reactions(target!.id)).toEqual([]);
      const [reactionEvent] = await q.events();
      expect(reactionEvent).toMatchObject({ status: 'processed' });
      expect(reactionEvent!.lastError).toContain('reaction to unknown message wamid.target-late');
    });

    it('orders reactions by Meta’s time: a late older one never replaces a newer one', async () => {
      await deliver(t, textWebhook(ANA, 'wamid.reacted', 'Look'));
      const target = await q.message('wamid.reacted');
      const now = Date.now();
      await deliver(t, reactionWebhook(ANA, 'wamid.r2', 'wamid.reacted', '❤️', new Date(now)));
      await deliver(t, reactionWebhook(ANA, 'wamid.r1', 'wamid.reacted', '👍', new Date(now - 60_000)));
      expect((await q.reactions(target!.id)).map((r) => r.emoji)).toEqual(['❤️']);
      await deliver(t, reactionWebhook(ANA, 'wamid.r3', 'wamid.reacted', undefined, new Date(now + 1000)));
      expect(await q.reactions(target!.id)).toEqual([]);
    });

    it('keeps the conversation’s newest message and window when an older message arrives late', async () => {
      const now = Date.now();
      await deliver(t, textWebhook(ANA, 'wamid.new', 'second', new Date(now - 1000)));
      await deliver(t, textWebhook(ANA, 'wamid.old', 'first', new Date(now - 10 * 60_000)));
      const [conversation] = await q.conversations();
      const newest = await q.message('wamid.new');
      expect(conversation).toMatchObject({
        lastMessageId: newest!.id,
        unreadCount: 2,
        windowExpiresAt: new Date(Math.floor((now - 1000) / 1000) * 1000 + 24 * HOUR),
      });
    });
  });

  it('applies a batch of many messages and statuses from several customers', async () => {
    const at = Date.now() - 60_000;
    const senders = Array.from({ length: 5 }, (_, i) => ({ from: `3461234560${i}`, name: `C${i}` }));
    await businessMessage(t, w, 'wamid.biz-batch');
    const messages = senders.flatMap((s, i) =>
      Array.from({ length: 10 }, (_, n) =>
        inboundMessage(s, {
          wamid: `wamid.batch-${i}-${n}`,
          at: new Date(at + n * 1000),
          text: { body: `m${n}` },
        }),
      ),
    );
    await deliver(
      t,
      envelope({
        contacts: senders.map((s) => ({ profile: { name: s.name }, wa_id: s.from })),
        messages,
        statuses: [{ id: 'wamid.biz-batch', status: 'delivered', timestamp: String(Math.floor(at / 1000)) }],
      }),
    );
    expect(await q.messages()).toHaveLength(51);
    expect(await q.contacts()).toHaveLength(6);
    const conversations = await q.conversations();
    expect(conversations.filter((c) => c.unreadCount === 10)).toHaveLength(5);
    expect(await q.message('wamid.biz-batch')).toMatchObject({ whatsappStatus: 'delivered' });
  });

  it('creates one contact and one conversation when two first messages are processed at the same time', async () => {
    await Promise.all(
      Array.from({ length: 4 }, (_, i) => postWebhook(t, textWebhook(ANA, `wamid.race-${i}`, `m${i}`))),
    );
    await settled(t);
    expect(await q.contacts()).toHaveLength(1);
    expect(await q.conversations()).toHaveLength(1);
    expect(await q.messages()).toHaveLength(4);
  });

  describe('contacts', () => {
    it('keys a username-only user by the business-scoped id, without a phone number', async () => {
      await deliver(t, textWebhook(USERNAME_ONLY, 'wamid.u-1', 'hi'));
      expect(await q.contacts()).toEqual([
        expect.objectContaining({
          externalId: USERNAME_ONLY.userId,
          whatsappUserId: USERNAME_ONLY.userId,
          phoneNumber: null,
          name: 'Sheena',
        }),
      ]);
    });

    it('keeps one contact when a username-only user is later seen with both ids', async () => {
      await deliver(t, textWebhook(USERNAME_ONLY, 'wamid.u-2', 'hi'));
      await deliver(t, textWebhook(BOTH_IDS, 'wamid.u-3', 'again'));
      const [contact, ...others] = await q.contacts();
      expect(others).toEqual([]);
      expect(contact).toMatchObject({
        externalId: '16505551234',
        phoneNumber: '+16505551234',
        whatsappUserId: USERNAME_ONLY.userId,
      });
      expect(await q.conversations()).toHaveLength(1);
      expect(await q.messages()).toHaveLength(2);
    });

    it('keeps one contact when a known number later comes with its business-scoped id', async () => {
      await deliver(t, textWebhook({ from: BOTH_IDS.from, name: 'Sheena' }, 'wamid.u-4', 'hi'));
      await deliver(t, textWebhook(BOTH_IDS, 'wamid.u-5', 'again'));
      await deliver(t, textWebhook(USERNAME_ONLY, 'wamid.u-6', 'and again'));
      expect(await q.contacts()).toEqual([
        expect.objectContaining({ externalId: BOTH_IDS.from, whatsappUserId: BOTH_IDS.userId }),
      ]);
      expect(await q.messages()).toHaveLength(3);
    });

    it('finds a contact created by hand by its phone number and only fills in what is missing', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/contacts',
        token: admin,
        payload: { name: 'Ana from the CRM', phone_number: '+34 612 34 56 78' },
      });
      expect(res.statusCode).toBe(201);
      await deliver(t, textWebhook(ANA, 'wamid.c-1', 'hola'));
      expect(await q.contacts()).toEqual([
        expect.objectContaining({
          name: 'Ana from the CRM',
          phoneNumber: '+34612345678',
          externalId: ANA.from,
        }),
      ]);
    });
  });

  describe('conversations', () => {
    it('reopens a closed conversation on a new message instead of opening a second one', async () => {
      await deliver(t, textWebhook(ANA, 'wamid.o-1', 'first'));
      const [conversation] = await q.conversations();
      await closeConversation(conversation!.id);
      await deliver(t, textWebhook(ANA, 'wamid.o-2', 'back again'));
      expect(await q.conversations()).toEqual([
        expect.objectContaining({ id: conversation!.id, status: 'queue', closedAt: null }),
      ]);
    });

    it('counts unread messages and keeps the window 24 hours after the last one', async () => {
      const last = new Date(Date.now() - 5 * 60_000);
      await deliver(t, textWebhook(ANA, 'wamid.w-1', 'one', new Date(last.getTime() - 60_000)));
      await deliver(t, textWebhook(ANA, 'wamid.w-2', 'two', last));
      const [conversation] = await q.conversations();
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/conversations/${conversation!.id}`,
        token: admin,
      });
      expect(res.json()).toMatchObject({
        unread_count: 2,
        read: false,
        window_expires_at: new Date(Math.floor(last.getTime() / 1000) * 1000 + 24 * HOUR).toISOString(),
      });
    });
  });

  describe('domain events', () => {
    const typesDuring = async (work: () => Promise<void>) => {
      const seen: { type: string; payload: Record<string, unknown> }[] = [];
      const stop = t.deps.events.subscribe('*', (e) => void seen.push(e as (typeof seen)[number]));
      await work();
      stop();
      return seen;
    };

    it('announces a first message: contact, conversation, then the message', async () => {
      const seen = await typesDuring(() => deliver(t, textWebhook(ANA, 'wamid.e-1', 'hola')));
      expect(seen.map((e) => e.type)).toEqual([
        DomainEventType.ContactCreated,
        DomainEventType.ConversationCreated,
        DomainEventType.MessageCreated,
        DomainEventType.ConversationUpdated,
      ]);
      const message = seen.find((e) => e.type === DomainEventType.MessageCreated)!.payload;
      expect(message).toMatchObject({
        body: 'hola',
        sender_type: 'contact',
        whatsapp_message_id: 'wamid.e-1',
      });
    });

    it('announces a later message without a new conversation', async () => {
      await deliver(t, textWebhook(ANA, 'wamid.e-2', 'hola'));
      const seen = await typesDuring(() => deliver(t, textWebhook(ANA, 'wamid.e-3', 'otra vez')));
      expect(seen.map((e) => e.type)).toEqual([
        DomainEventType.MessageCreated,
        DomainEventType.ConversationUpdated,
      ]);
    });

    it('announces a status change with the message as the API shows it', async () => {
      await businessMessage(t, w, 'wamid.e-biz');
      const seen = await typesDuring(() => deliver(t, statusWebhook('wamid.e-biz', 'delivered')));
      expect(seen).toEqual([
        expect.objectContaining({
          type: DomainEventType.MessageStatus,
          payload: expect.objectContaining({
            whatsapp_message_id: 'wamid.e-biz',
            whatsapp_status: 'delivered',
          }),
        }),
      ]);
    });

    it('announces a reaction with the message and its reactions', async () => {
      await deliver(t, textWebhook(ANA, 'wamid.e-4', 'hola'));
      const seen = await typesDuring(() => deliver(t, reactionWebhook(ANA, 'wamid.e-5', 'wamid.e-4', '👍')));
      const [contact] = await q.contacts();
      expect(seen).toEqual([
        expect.objectContaining({
          type: DomainEventType.MessageReaction,
          payload: expect.objectContaining({
            reactions: [{ emoji: '👍', sender_type: 'contact', sender_id: contact!.id }],
          }),
        }),
      ]);
    });
  });
});
