import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  createBot,
  createContact,
  createConversation,
  createMessage,
} from '../../../test/helpers/factories.js';

/**
 * The privacy matrix: admin, supervisor and agent against the agent's own, an unassigned, a
 * bot-assigned and another agent's conversation — by id, in lists, in search and in counts.
 */
const kinds = ['own', 'unassigned', 'bot', 'other'] as const;
type Kind = (typeof kinds)[number];
const roles = ['admin', 'supervisor', 'agent'] as const;
type Role = (typeof roles)[number];
const visible = (role: Role, kind: Kind) => role !== 'agent' || kind !== 'other';

describe('conversation privacy', () => {
  let t: TestApp;
  const tokens = {} as Record<Role, string>;
  const scene = {} as Record<
    Kind,
    { conversationId: string; messageId: string; word: string; contactName: string }
  >;

  beforeAll(async () => {
    t = await createTestApp();
    tokens.admin = await t.adminToken();
    const tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: tokens.admin })).json()
      .tenant_id;
    const agent = await t.createUser('agent');
    const otherAgent = await t.createUser('agent');
    tokens.agent = agent.token;
    tokens.supervisor = (await t.createUser('supervisor')).token;
    const db = t.deps.database.db;
    const bot = await createBot(db, tenantId);
    const assignment: Record<Kind, object> = {
      own: { assignedUserId: agent.id, status: 'active' },
      unassigned: {},
      bot: { assignedBotId: bot.id, status: 'active' },
      other: { assignedUserId: otherAgent.id, status: 'active' },
    };
    for (const kind of kinds) {
      const contactName = `Privacy${kind}person`;
      const contact = await createContact(db, tenantId, { name: contactName });
      const c = await createConversation(db, tenantId, { contactId: contact.id, ...assignment[kind] });
      const word = `secret${kind}word`;
      const m = await createMessage(db, c, { body: `the ${word} is here` });
      await createMessage(db, c, {
        senderType: 'user',
        senderUserId: agent.id,
        private: true,
        body: `note${kind}word`,
      });
      scene[kind] = { conversationId: c.id, messageId: m.id, word, contactName };
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (role: Role, url: string) =>
    t.request({ method: 'GET', url: `/api/v1${url}`, token: tokens[role] });
  const cases = roles.flatMap((role) => kinds.map((kind) => [role, kind, visible(role, kind)] as const));

  describe.each(cases)('%s and the %s conversation (visible: %s)', (role, kind, expected) => {
    const status = expected ? 200 : 404;

    it('by id: the conversation, its events and its messages', async () => {
      const { conversationId: id, messageId } = scene[kind];
      for (const url of [
        `/conversations/${id}`,
        `/conversations/${id}/events`,
        `/messages?conversation_id=${id}`,
        `/messages/conversation/${id}`,
        `/messages/conversation/${id}/cursor`,
        `/messages/${messageId}`,
        `/messages/${messageId}/edits`,
      ]) {
        expect((await get(role, url)).statusCode, url).toBe(status);
      }
    });

    it('in lists', async () => {
      const { conversationId: id, messageId } = scene[kind];
      const ids = async (url: string) =>
        (await get(role, url)).json<{ data: { id: string }[] }>().data.map((x) => x.id);
      expect((await ids('/conversations?limit=100')).includes(id)).toBe(expected);
      expect((await ids('/conversations/cursor?limit=200')).includes(id)).toBe(expected);
      expect((await ids('/messages?limit=100')).includes(messageId)).toBe(expected);
    });

    it('in search, private notes included', async () => {
      const { conversationId: id, word, contactName } = scene[kind];
      const hits = async (q: string) =>
        (await get(role, `/search?q=${encodeURIComponent(q)}`)).json<{
          data: { kind: string; id: string }[];
        }>().data;
      expect((await hits(word)).some((h: { kind: string }) => h.kind === 'message')).toBe(expected);
      expect((await hits(`note${kind}word`)).length > 0).toBe(expected);
      expect((await hits(contactName)).some((h: { kind: string }) => h.kind === 'contact')).toBe(expected);
      expect((await get(role, `/messages/conversation/${id}/search?q=${word}`)).statusCode).toBe(status);
    });

    it('in counts', async () => {
      const { conversationId: id } = scene[kind];
      for (const url of [
        `/messages/conversation/${id}/unread-contact`,
        `/messages/conversation/${id}/unread-agent`,
        `/messages/unread-count?conversation_id=${id}`,
      ]) {
        expect((await get(role, url)).statusCode, url).toBe(status);
      }
    });
  });

  it.each(roles)('counts only what %s may see', async (role) => {
    const expected = kinds.filter((k) => visible(role, k)).length;
    expect((await get(role, '/messages/unread-count')).json()).toEqual({ count: expected });
    expect((await get(role, '/conversations')).json().meta.total).toBe(expected);
  });

  it('answers 404, not 403, when an agent writes to a conversation it cannot see', async () => {
    const { conversationId: id, messageId } = scene.other;
    const agent = tokens.agent;
    const writes = [
      t.request({
        method: 'PATCH',
        url: `/api/v1/conversations/${id}`,
        token: agent,
        payload: { priority: 'high' },
      }),
      t.request({ method: 'PATCH', url: `/api/v1/conversations/${id}/assign`, token: agent, payload: {} }),
      t.request({ method: 'PATCH', url: `/api/v1/conversations/${id}/read`, token: agent }),
      t.request({
        method: 'POST',
        url: '/api/v1/messages',
        token: agent,
        payload: { conversation_id: id, body: 'x' },
      }),
      t.request({
        method: 'POST',
        url: `/api/v1/messages/${messageId}/reactions`,
        token: agent,
        payload: { emoji: '👍' },
      }),
      t.request({ method: 'PATCH', url: `/api/v1/messages/conversation/${id}/mark-as-read`, token: agent }),
    ];
    for (const res of await Promise.all(writes)) expect(res.statusCode).toBe(404);
    const bulk = await t.request({
      method: 'PATCH',
      url: '/api/v1/messages/mark-as-read',
      token: agent,
      payload: { message_ids: [messageId] },
    });
    expect(bulk.json()).toEqual({ updated: 0 });
  });
});
