import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createContact, createConversation, createMessage } from '../../../test/helpers/factories.js';
import type { Conversation } from '../conversations/conversations.table.js';

interface Hit {
  kind: 'message' | 'contact';
  id: string;
  body?: string;
  name?: string;
  highlight?: string;
}

interface HitPage {
  data: Hit[];
  meta: { limit: number; next_cursor: string | null };
}

describe('search', () => {
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
  const conversationWith = async (...bodies: string[]) => {
    const c = await createConversation(db(), tenantId);
    for (const body of bodies) await createMessage(db(), c, { body });
    return c;
  };
  const searchIn = async (c: Conversation, q: string, extra = '') => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/messages/conversation/${c.id}/search?q=${encodeURIComponent(q)}${extra}`,
      token: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<HitPage>();
  };
  const bodies = (r: { data: Hit[] }) => r.data.map((h) => h.body);

  it('ranks messages that match more strongly first', async () => {
    const c = await conversationWith('I want a refund', 'refund refund, refund now please', 'nothing to see');
    const found = await searchIn(c, 'refund');
    expect(bodies(found)).toEqual(['refund refund, refund now please', 'I want a refund']);
    expect(found.data[0]).toMatchObject({ kind: 'message', sender_type: 'contact' });
  });

  it('highlights the match as escaped HTML', async () => {
    const c = await conversationWith('<b>invoice</b> attached <script>x</script>');
    const [hit] = (await searchIn(c, 'invoice')).data;
    expect(hit!.highlight).toContain('<mark>invoice</mark>');
    expect(hit!.highlight).toContain('&lt;script&gt;');
    expect(hit!.highlight).not.toContain('<script>');
  });

  it('understands web search syntax: OR, "quoted phrases" and -exclusions', async () => {
    const c = await conversationWith('green apple pie', 'apple green salad', 'banana bread', 'cherry tart');
    expect(new Set(bodies(await searchIn(c, 'banana OR cherry')))).toEqual(
      new Set(['banana bread', 'cherry tart']),
    );
    expect(bodies(await searchIn(c, '"green apple"'))).toEqual(['green apple pie']);
    expect(bodies(await searchIn(c, 'apple -pie'))).toEqual(['apple green salad']);
    expect(bodies(await searchIn(c, 'apple green')).sort()).toEqual(['apple green salad', 'green apple pie']);
  });

  it('never finds deleted messages', async () => {
    const c = await conversationWith('visible parcel');
    await createMessage(db(), c, { body: 'hidden parcel', deletedAt: new Date() });
    expect(bodies(await searchIn(c, 'parcel'))).toEqual(['visible parcel']);
  });

  it('pages through hits with a cursor, without repeats', async () => {
    const c = await conversationWith(...Array.from({ length: 7 }, (_, i) => `ticket number ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await searchIn(c, 'ticket', `&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.data.map((h) => h.id));
      cursor = page.meta.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
  });

  it('answers 400 without q, with a limit above 200 or a forged cursor', async () => {
    const c = await conversationWith('x');
    for (const query of ['', 'q=a&limit=201', 'q=a&cursor=Zm9v']) {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/messages/conversation/${c.id}/search?${query}`,
        token: admin,
      });
      expect(res.statusCode, query).toBe(400);
    }
  });

  describe('tenant-wide', () => {
    const searchAll = async (q: string, token = admin, extra = '') => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/search?q=${encodeURIComponent(q)}${extra}`,
        token,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<HitPage>();
    };

    it('finds contacts (by name, phone or email, with their tags) before messages', async () => {
      const contact = await createContact(db(), tenantId, {
        name: 'Wilhelmina Quarterfold',
        email: 'wq@example.test',
      });
      await createConversation(db(), tenantId, { contactId: contact.id });
      await conversationWith('ask Quarterfold about the quarterfold order');
      const found = await searchAll('quarterfold');
      expect(found.data.map((h) => h.kind)).toEqual(['contact', 'message']);
      expect(found.data[0]).toMatchObject({ id: contact.id, name: 'Wilhelmina Quarterfold', tags: [] });
      expect(found.data[0]).not.toHaveProperty('highlight');
      expect(found.data[1]!.highlight).toContain('<mark>');
      expect((await searchAll('wq@example')).data.map((h) => h.id)).toEqual([contact.id]);
      expect((await searchAll(contact.phoneNumber!.slice(-8))).data.map((h) => h.id)).toEqual([contact.id]);
    });

    it('walks contacts then messages with one cursor', async () => {
      for (let i = 0; i < 3; i++) {
        const contact = await createContact(db(), tenantId, { name: `Zephyrine ${i}` });
        await createConversation(db(), tenantId, { contactId: contact.id });
      }
      await conversationWith('zephyrine one', 'zephyrine two', 'zephyrine three');
      const kinds: string[] = [];
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await searchAll('zephyrine', admin, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        kinds.push(...page.data.map((h) => h.kind));
        ids.push(...page.data.map((h) => h.id));
        cursor = page.meta.next_cursor;
      } while (cursor);
      expect(kinds).toEqual(['contact', 'contact', 'contact', 'message', 'message', 'message']);
      expect(new Set(ids).size).toBe(6);
    });

    it('leaves contacts out for a caller without contacts:read', async () => {
      await t.request({
        method: 'POST',
        url: '/api/v1/roles',
        token: admin,
        payload: { name: 'note-taker', permissions: ['messages:write'] },
      });
      const user = await t.createUser('note-taker');
      const contact = await createContact(db(), tenantId, { name: 'Ottoline Brackwater' });
      const c = await createConversation(db(), tenantId, { contactId: contact.id });
      await createMessage(db(), c, { body: 'brackwater delivery' });
      expect((await searchAll('brackwater', user.token)).data.map((h) => h.kind)).toEqual(['message']);
    });
  });
});
