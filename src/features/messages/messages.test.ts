import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  createConversation,
  createIntegration,
  createMessage,
  createTenant,
} from '../../../test/helpers/factories.js';
import type { DomainEvent } from '../../platform/events.js';
import { mediaObjects } from '../media/media.table.js';
import { messageAttachments, messages } from './messages.table.js';

describe('messages', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;
  let tenantId: string;
  let agent: { id: string; token: string };
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json();
    tenantId = me.tenant_id;
    adminId = me.id;
    agent = await t.createUser('agent');
  });
  afterAll(async () => {
    await t.close();
  });
  const db = () => t.deps.database.db;
  const conversation = (overrides = {}) => createConversation(db(), tenantId, overrides);
  const send = (payload: object, token = admin) =>
    t.request({ method: 'POST', url: '/api/v1/messages', token, payload });
  const media = async (overrides: Partial<typeof mediaObjects.$inferInsert> = {}) => {
    const [row] = await db()
      .insert(mediaObjects)
      .values({
        tenantId,
        storageKey: `test/${Math.random()}`,
        kind: 'image',
        mimeType: 'image/jpeg',
        name: 'photo.jpg',
        size: 2048,
        width: 640,
        height: 480,
        ...overrides,
      })
      .returning();
    return row!;
  };
  const stored = async (conversationId: string) =>
    db().select().from(messages).where(eq(messages.conversationId, conversationId));

  describe('sending', () => {
    it("takes the sender from the caller and moves the conversation's last message", async () => {
      const c = await conversation();
      const res = await send({ conversation_id: c.id, body: 'Hello there' }, agent.token);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        conversation_id: c.id,
        sender_type: 'user',
        sender_user_id: agent.id,
        sender_bot_id: null,
        type: 'text',
        body: 'Hello there',
        private: false,
        content: {},
        attachments: [],
        reactions: [],
        whatsapp_status: null,
        error: null,
        edited_at: null,
        deleted_at: null,
      });
      const after = await t.request({ method: 'GET', url: `/api/v1/conversations/${c.id}`, token: admin });
      expect(after.json()).toMatchObject({ last_message: { id: res.json().id }, unread_count: 0 });
    });

    it('refuses a sender in the body', async () => {
      const c = await conversation();
      const res = await send({ conversation_id: c.id, body: 'x', sender_type: 'contact' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('sender_type');
      expect(await stored(c.id)).toEqual([]);
    });

    it('queues a WhatsApp message as pending inside the 24-hour window; notes are never sent', async () => {
      const integration = await createIntegration(db(), tenantId);
      const c = await conversation({
        integrationId: integration.id,
        windowExpiresAt: new Date(Date.now() + 3_600_000),
      });
      expect((await send({ conversation_id: c.id, body: 'to WhatsApp' })).json().whatsapp_status).toBe(
        'pending',
      );
      const note = await send({ conversation_id: c.id, body: 'internal', private: true });
      expect(note.json()).toMatchObject({ private: true, whatsapp_status: null });
    });

    it('answers 422 WINDOW_CLOSED outside the window and stores nothing; templates still go', async () => {
      const integration = await createIntegration(db(), tenantId);
      const c = await conversation({
        integrationId: integration.id,
        windowExpiresAt: new Date(Date.now() - 1000),
      });
      const res = await send({ conversation_id: c.id, body: 'too late' });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('WINDOW_CLOSED');
      expect(await stored(c.id)).toEqual([]);
      const template = { name: 'order_update', language: { code: 'en_US' }, components: [] };
      const ok = await send({ conversation_id: c.id, type: 'template', template });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({
        type: 'template',
        content: { template },
        whatsapp_status: 'pending',
      });
      expect((await send({ conversation_id: c.id, body: 'note', private: true })).statusCode).toBe(201);
    });

    it('validates the body against the type', async () => {
      const c = await conversation();
      for (const [payload, field] of [
        [{ conversation_id: c.id }, 'body'],
        [{ conversation_id: c.id, type: 'image' }, 'attachment_ids'],
        [{ conversation_id: c.id, type: 'template' }, 'template'],
        [{ conversation_id: c.id, type: 'text', body: 'x', interactive: { type: 'button' } }, 'interactive'],
        [{ conversation_id: c.id, body: 'x', attachment_ids: ['not-a-uuid'] }, 'attachment_ids.0'],
      ] as const) {
        const res = await send(payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('answers 404 for a conversation that does not exist', async () => {
      const res = await send({ conversation_id: '0195f3c2-0000-7000-8000-000000000000', body: 'x' });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('domain events', () => {
    // Only this conversation's events: WhatsApp sends from earlier tests publish their
    // delivery statuses asynchronously, whenever the outbound job gets to them.
    const collect = (conversationId: string) => {
      const seen: DomainEvent[] = [];
      const stop = t.deps.events.subscribe('*', (e) => {
        const payload = e.payload as { id?: string; conversation_id?: string };
        if (payload.conversation_id === conversationId || payload.id === conversationId) seen.push(e);
      });
      return { seen, stop };
    };

    it('publishes message.created and conversation.updated with the REST objects once stored', async () => {
      const c = await conversation();
      const { seen, stop } = collect(c.id);
      const res = await send({ conversation_id: c.id, body: 'announced' }, agent.token);
      stop();
      expect(seen.map((e) => e.type)).toEqual(['message.created', 'conversation.updated']);
      expect(seen[0]).toMatchObject({ tenantId, actorUserId: agent.id, payload: res.json() });
      expect(seen[1]!.payload).toMatchObject({ id: c.id, last_message: { id: res.json().id } });
    });

    it('publishes nothing when the request fails', async () => {
      const c = await conversation();
      const used = await media();
      await send({ conversation_id: c.id, attachment_ids: [used.id] });
      const { seen, stop } = collect(c.id);
      const res = await send({ conversation_id: c.id, attachment_ids: [used.id] });
      stop();
      expect(res.statusCode).toBe(400);
      expect(seen).toEqual([]);
    });
  });

  describe('replies', () => {
    it('quotes a message of the same conversation', async () => {
      const c = await conversation();
      const quoted = await createMessage(db(), c);
      const res = await send({ conversation_id: c.id, body: 'answer', reply_to_id: quoted.id });
      expect(res.json().reply_to_id).toBe(quoted.id);
    });

    it('answers 400 for a message of another conversation and stores nothing', async () => {
      const c = await conversation();
      const elsewhere = await createMessage(db(), await conversation());
      const res = await send({ conversation_id: c.id, body: 'answer', reply_to_id: elsewhere.id });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('reply_to_id');
      expect(await stored(c.id)).toEqual([]);
    });
  });

  describe('attachments', () => {
    it('attaches uploaded media in order, copying its metadata; the type follows the first one', async () => {
      const c = await conversation();
      const photo = await media();
      const doc = await media({
        kind: 'document',
        mimeType: 'application/pdf',
        name: 'a.pdf',
        width: null,
        height: null,
      });
      const res = await send({ conversation_id: c.id, attachment_ids: [photo.id, doc.id] });
      expect(res.statusCode).toBe(201);
      expect(res.json().type).toBe('image');
      expect(res.json().attachments).toEqual([
        expect.objectContaining({
          kind: 'image',
          mime_type: 'image/jpeg',
          name: 'photo.jpg',
          size: 2048,
          width: 640,
          height: 480,
        }),
        expect.objectContaining({
          kind: 'document',
          mime_type: 'application/pdf',
          name: 'a.pdf',
          width: null,
        }),
      ]);
      const [claimed] = await db().select().from(mediaObjects).where(eq(mediaObjects.id, photo.id));
      expect(claimed!.attachedAt).not.toBeNull();
      const fetched = await t.request({
        method: 'GET',
        url: `/api/v1/messages/${res.json().id}`,
        token: admin,
      });
      expect(fetched.json().attachments).toEqual(res.json().attachments);
    });

    it('refuses media already attached or of another tenant, storing nothing', async () => {
      const c = await conversation();
      const used = await media();
      expect((await send({ conversation_id: c.id, attachment_ids: [used.id] })).statusCode).toBe(201);
      const other = await createTenant(db());
      const foreign = await media({ tenantId: other.id });
      const before = (await stored(c.id)).length;
      for (const id of [used.id, foreign.id]) {
        const res = await send({ conversation_id: c.id, body: 'x', attachment_ids: [id] });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors[0].field).toBe('attachment_ids');
      }
      expect(await stored(c.id)).toHaveLength(before);
      const rows = await db()
        .select()
        .from(messageAttachments)
        .where(eq(messageAttachments.mediaId, used.id));
      expect(rows).toHaveLength(1);
    });
  });

  it("refuses an agent another user's upload like an unknown one, and lets the uploader send it", async () => {
    const c = await conversation();
    const theirs = await media({ uploadedByUserId: adminId });
    const hidden = await t.request({ method: 'GET', url: `/api/v1/media/${theirs.id}`, token: agent.token });
    expect(hidden.statusCode).toBe(404);
    const res = await send({ conversation_id: c.id, body: 'x', attachment_ids: [theirs.id] }, agent.token);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('attachment_ids');
    expect(await stored(c.id)).toHaveLength(0);
    const [row] = await db().select().from(mediaObjects).where(eq(mediaObjects.id, theirs.id));
    expect(row!.attachedAt).toBeNull();
    const mine = await media({ uploadedByUserId: agent.id });
    expect((await send({ conversation_id: c.id, attachment_ids: [mine.id] }, agent.token)).statusCode).toBe(
      201,
    );
  });

  describe('editing', () => {
    it('lets the author edit, keeping every previous version', async () => {
      const c = await conversation();
      const sent = (await send({ conversation_id: c.id, body: 'frist' }, agent.token)).json();
      const edit = (body: string) =>
        t.request({
          method: 'PATCH',
          url: `/api/v1/messages/${sent.id}`,
          token: agent.token,
          payload: { body },
        });
      await edit('first');
      const res = await edit('first!');
      expect(res.statusCode).toBe(200);
      expect(res.json().body).toBe('first!');
      expect(res.json().edited_at).not.toBeNull();
      const history = await t.request({
        method: 'GET',
        url: `/api/v1/messages/${sent.id}/edits`,
        token: agent.token,
      });
      expect(history.json().data.map((e: { body: string }) => e.body)).toEqual(['frist', 'first']);
      expect(history.json().data[0].edited_by_user_id).toBe(agent.id);
    });

    it('forbids editing somebody else’s message', async () => {
      const c = await conversation();
      const sent = (await send({ conversation_id: c.id, body: 'mine' }, agent.token)).json();
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/messages/${sent.id}`,
        token: admin,
        payload: { body: 'x' },
      });
      expect(res.statusCode).toBe(403);
      const fromContact = await createMessage(db(), c);
      const contactEdit = await t.request({
        method: 'PATCH',
        url: `/api/v1/messages/${fromContact.id}`,
        token: admin,
        payload: { body: 'x' },
      });
      expect(contactEdit.statusCode).toBe(403);
    });
  });

  describe('deleting', () => {
    it('soft-deletes: the message stays, blanked, with deleted_at', async () => {
      const c = await conversation();
      const photo = await media({ uploadedByUserId: agent.id });
      const sent = (
        await send({ conversation_id: c.id, body: 'oops', attachment_ids: [photo.id] }, agent.token)
      ).json();
      const res = await t.request({
        method: 'DELETE',
        url: `/api/v1/messages/${sent.id}`,
        token: agent.token,
      });
      expect(res.statusCode).toBe(204);
      const after = (
        await t.request({ method: 'GET', url: `/api/v1/messages/${sent.id}`, token: agent.token })
      ).json();
      expect(after).toMatchObject({ id: sent.id, body: null, content: {}, attachments: [] });
      expect(after.deleted_at).not.toBeNull();
      const [row] = await db().select().from(messages).where(eq(messages.id, sent.id));
      expect(row!.body).toBe('oops');
      const edit = await t.request({
        method: 'PATCH',
        url: `/api/v1/messages/${sent.id}`,
        token: agent.token,
        payload: { body: 'x' },
      });
      expect(edit.statusCode).toBe(400);
    });

    it('lets a supervisor delete anybody’s message, but not another agent', async () => {
      const c = await conversation();
      const sent = (await send({ conversation_id: c.id, body: 'hm' }, agent.token)).json();
      const colleague = await t.createUser('agent');
      expect(
        (await t.request({ method: 'DELETE', url: `/api/v1/messages/${sent.id}`, token: colleague.token }))
          .statusCode,
      ).toBe(403);
      const supervisor = await t.createUser('supervisor');
      expect(
        (await t.request({ method: 'DELETE', url: `/api/v1/messages/${sent.id}`, token: supervisor.token }))
          .statusCode,
      ).toBe(204);
    });
  });

  describe('reactions', () => {
    it('adds, replaces (one per sender) and removes a reaction', async () => {
      const c = await conversation();
      const m = await createMessage(db(), c);
      const react = (emoji: string, token = admin) =>
        t.request({ method: 'POST', url: `/api/v1/messages/${m.id}/reactions`, token, payload: { emoji } });
      const first = await react('👍');
      expect(first.statusCode).toBe(201);
      expect(first.json().reactions).toEqual([{ emoji: '👍', sender_type: 'user', sender_id: adminId }]);
      await react('🎉', agent.token);
      const replaced = await react('❤️');
      expect(replaced.json().reactions).toEqual(
        expect.arrayContaining([
          { emoji: '❤️', sender_type: 'user', sender_id: adminId },
          { emoji: '🎉', sender_type: 'user', sender_id: agent.id },
        ]),
      );
      expect(replaced.json().reactions).toHaveLength(2);
      const unreact = (emoji: string) =>
        t.request({
          method: 'DELETE',
          url: `/api/v1/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`,
          token: admin,
        });
      expect((await unreact('👍')).statusCode).toBe(404);
      const removed = await unreact('❤️');
      expect(removed.statusCode).toBe(200);
      expect(removed.json().reactions).toEqual([{ emoji: '🎉', sender_type: 'user', sender_id: agent.id }]);
    });
  });

  describe('lists', () => {
    it('pages a conversation newest first and filters by sender type', async () => {
      const c = await conversation();
      const a = await createMessage(db(), c, { createdAt: new Date(Date.now() - 3000) });
      const b = await createMessage(db(), c, {
        senderType: 'user',
        senderUserId: adminId,
        createdAt: new Date(Date.now() - 2000),
      });
      const page = await t.request({
        method: 'GET',
        url: `/api/v1/messages/conversation/${c.id}?limit=1&page=2`,
        token: admin,
      });
      expect(page.json().data.map((m: { id: string }) => m.id)).toEqual([a.id]);
      expect(page.json().meta).toEqual({ page: 2, limit: 1, total: 2, total_pages: 2 });
      const users = await t.request({
        method: 'GET',
        url: `/api/v1/messages?conversation_id=${c.id}&sender_type=user`,
        token: admin,
      });
      expect(users.json().data.map((m: { id: string }) => m.id)).toEqual([b.id]);
    });
  });

  describe('permissions and tenancy', () => {
    it('needs messages:write to send, edit, delete or react', async () => {
      await t.request({
        method: 'POST',
        url: '/api/v1/roles',
        token: admin,
        payload: { name: 'reader', permissions: ['contacts:read'] },
      });
      const reader = await t.createUser('reader');
      const c = await conversation();
      const m = await createMessage(db(), c);
      const calls = [
        send({ conversation_id: c.id, body: 'x' }, reader.token),
        t.request({
          method: 'PATCH',
          url: `/api/v1/messages/${m.id}`,
          token: reader.token,
          payload: { body: 'x' },
        }),
        t.request({ method: 'DELETE', url: `/api/v1/messages/${m.id}`, token: reader.token }),
        t.request({
          method: 'POST',
          url: `/api/v1/messages/${m.id}/reactions`,
          token: reader.token,
          payload: { emoji: '👍' },
        }),
      ];
      for (const res of await Promise.all(calls)) expect(res.statusCode).toBe(403);
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/messages/${m.id}`, token: reader.token })).statusCode,
      ).toBe(200);
    });

    it("answers 404 for another tenant's message or conversation on every route with an id", async () => {
      const other = await t.request({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenant_name: 'Far away', name: 'F', email: 'f@far.test', password: 'correct horse' },
      });
      const token = other.json().access_token as string;
      const c = await conversation();
      const m = await createMessage(db(), c);
      const routes: ['GET' | 'PATCH' | 'DELETE' | 'POST', string, object?][] = [
        ['GET', `/messages/${m.id}`],
        ['PATCH', `/messages/${m.id}`, { body: 'x' }],
        ['DELETE', `/messages/${m.id}`],
        ['GET', `/messages/${m.id}/edits`],
        ['POST', `/messages/${m.id}/reactions`, { emoji: '👍' }],
        ['DELETE', `/messages/${m.id}/reactions/%F0%9F%91%8D`],
        ['GET', `/messages?conversation_id=${c.id}`],
        ['POST', '/messages', { conversation_id: c.id, body: 'x' }],
        ['GET', `/messages/conversation/${c.id}`],
        ['GET', `/messages/conversation/${c.id}/cursor`],
        ['GET', `/messages/conversation/${c.id}/search?q=hello`],
        ['GET', `/messages/conversation/${c.id}/unread-contact`],
        ['GET', `/messages/conversation/${c.id}/unread-agent`],
        ['GET', `/messages/unread-count?conversation_id=${c.id}`],
        ['PATCH', `/messages/conversation/${c.id}/mark-as-read`],
      ];
      for (const [method, url, payload] of routes) {
        const res = await t.request({
          method,
          url: `/api/v1${url}`,
          token,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      const [row] = await db().select().from(messages).where(eq(messages.id, m.id));
      expect(row).toMatchObject({ body: 'hello', deletedAt: null, readAt: null });
    });
  });
});
