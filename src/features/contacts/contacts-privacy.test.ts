import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createBot, createConversation } from '../../../test/helpers/factories.js';
import { created } from '../catalog/crud.test-helpers.js';

type Contact = { id: string; name: string; phone_number: string; external_id: string };

/**
 * Agents see a contact only through a conversation they can see: their own, unassigned or
 * bot-assigned. Contact A1 is in agent A's conversation, U in an unassigned one, BOT in a
 * bot-assigned one, B1 in agent B's, and LONE in none.
 */
describe('contact privacy', () => {
  let t: TestApp;
  let admin: string;
  let agentA: { id: string; token: string };
  let supervisor: string;
  let tagId: string;
  const c: Record<'A1' | 'U' | 'BOT' | 'B1' | 'LONE', Contact> = {} as never;
  const seenByAgent = () => [c.A1.id, c.U.id, c.BOT.id].sort();

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    agentA = await t.createUser('agent');
    const agentB = await t.createUser('agent');
    supervisor = (await t.createUser('supervisor')).token;
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin });
    const tenantId = me.json().tenant_id as string;
    const db = t.deps.database.db;
    const bot = await createBot(db, tenantId);
    tagId = (await created(t, '/api/v1/tags', admin, { name: 'everyone' })).id;
    const keys = ['A1', 'U', 'BOT', 'B1', 'LONE'] as const;
    for (const [i, key] of keys.entries()) {
      c[key] = await created<Contact>(t, '/api/v1/contacts', admin, {
        name: `Privacy ${key}`,
        phone_number: `+34 61100000${i}`,
        external_id: `privacy-${key}`,
      });
      await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${c[key].id}/tags`,
        token: admin,
        payload: { tag_ids: [tagId] },
      });
    }
    await createConversation(db, tenantId, {
      contactId: c.A1.id,
      assignedUserId: agentA.id,
      status: 'active',
    });
    await createConversation(db, tenantId, { contactId: c.U.id });
    await createConversation(db, tenantId, { contactId: c.BOT.id, assignedBotId: bot.id });
    await createConversation(db, tenantId, {
      contactId: c.B1.id,
      assignedUserId: agentB.id,
      status: 'active',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, token = agentA.token) => t.request({ method: 'GET', url, token });
  const ids = (body: { data: { id: string }[] }) => body.data.map((x) => x.id).sort();

  it('shows an agent the contacts of its own, unassigned and bot-assigned conversations by id', async () => {
    for (const key of ['A1', 'U', 'BOT'] as const) {
      expect((await get(`/api/v1/contacts/${c[key].id}`)).statusCode, key).toBe(200);
      expect((await get(`/api/v1/contacts/${c[key].id}/tags`)).statusCode, key).toBe(200);
    }
  });

  it("answers 404 to an agent for another agent's contact and for a contact without conversations, everywhere", async () => {
    for (const key of ['B1', 'LONE'] as const) {
      for (const url of [
        `/api/v1/contacts/${c[key].id}`,
        `/api/v1/contacts/${c[key].id}/tags`,
        `/api/v1/contacts/external-id/${c[key].external_id}`,
        `/api/v1/contacts/phone/${encodeURIComponent(c[key].phone_number)}`,
      ]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
      }
    }
  });

  it('lists, searches and lists by tag only the contacts an agent may see, with a matching total', async () => {
    const list = await get('/api/v1/contacts?limit=100');
    expect(ids(list.json())).toEqual(seenByAgent());
    expect(list.json().meta.total).toBe(3);
    expect(ids((await get(`/api/v1/contacts?tag_id=${tagId}`)).json())).toEqual(seenByAgent());
    expect(ids((await get(`/api/v1/contacts/by-tag/${tagId}`)).json())).toEqual(seenByAgent());
    expect((await get('/api/v1/contacts?search=Privacy%20B1')).json().data).toEqual([]);
  });

  it('exports only the contacts an agent may see', async () => {
    const res = await get('/api/v1/contacts/export');
    expect(res.statusCode).toBe(200);
    for (const key of ['A1', 'U', 'BOT'] as const) expect(res.body).toContain(c[key].id);
    for (const key of ['B1', 'LONE'] as const) expect(res.body).not.toContain(c[key].id);
  });

  it('hides the accounts of contacts an agent cannot see', async () => {
    const server = await created(t, '/api/v1/servers', admin, { name: 'privacy server' });
    const account = (contact: Contact) =>
      created(t, '/api/v1/contact-user-accounts', admin, {
        contact_id: contact.id,
        username_final: `user-${contact.external_id}`,
        password_final: 's3cret',
        server_id: server.id,
      });
    const visible = await account(c.U);
    const hidden = await account(c.B1);
    expect((await get(`/api/v1/contact-user-accounts/${hidden.id}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/contact-user-accounts/${visible.id}`)).statusCode).toBe(200);
    expect(ids((await get('/api/v1/contact-user-accounts?limit=100')).json())).toEqual([visible.id]);
  });

  it('shows supervisors and admins every contact', async () => {
    const all = Object.values(c)
      .map((x) => x.id)
      .sort();
    for (const token of [supervisor, admin]) {
      expect(ids((await get('/api/v1/contacts?limit=100', token)).json())).toEqual(all);
      expect((await get(`/api/v1/contacts/${c.B1.id}`, token)).statusCode).toBe(200);
    }
  });
});
