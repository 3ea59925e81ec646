import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createConversation, createMessage } from '../../../test/helpers/factories.js';
import { conversations } from '../conversations/conversations.table.js';
import { messages } from '../messages/messages.table.js';
import type { DomainEvent } from '../../platform/events.js';
import { auditRowsOf, created, fieldsOf, registerOtherTenant } from '../catalog/crud.test-helpers.js';

type Contact = { id: string; phone_number: string | null; tags: { id: string; name: string }[] } & Record<
  string,
  unknown
>;

describe('contacts', () => {
  let t: TestApp;
  let admin: string;
  let other: string;
  let seq = 0;
  /** A fresh, valid Spanish mobile number. */
  const phone = () => `+34 6${String(10_000_000 + ++seq).slice(-8)}`;
  const create = (payload: Record<string, unknown>, token = admin) =>
    t.request({ method: 'POST', url: '/api/v1/contacts', token, payload });
  const newContact = (payload: Record<string, unknown> = {}) =>
    created<Contact>(t, '/api/v1/contacts', admin, { name: 'Someone', phone_number: phone(), ...payload });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    other = await registerOtherTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('create, read, update, delete', () => {
    it('creates a contact with the API shape and normalises its phone number', async () => {
      const res = await create({
        name: 'Ana',
        phone_number: '+34 612 00 00 01',
        email: 'ana@example.test',
        external_id: '34612000001',
        attributes: { plan: 'gold', seats: 3 },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toEqual({
        id: expect.any(String),
        external_id: '34612000001',
        whatsapp_user_id: null,
        name: 'Ana',
        phone_number: '+34612000001',
        email: 'ana@example.test',
        attributes: { plan: 'gold', seats: 3 },
        tags: [],
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('reads a contact by id, by external id and by phone number in any spelling', async () => {
      const c = await newContact({ external_id: 'crm-42', phone_number: '+34 612 00 00 02' });
      for (const url of [
        `/api/v1/contacts/${c.id}`,
        '/api/v1/contacts/external-id/crm-42',
        '/api/v1/contacts/phone/+34612000002',
        `/api/v1/contacts/phone/${encodeURIComponent('+34 612 00 00 02')}`,
        '/api/v1/contacts/phone/0034612000002',
        '/api/v1/contacts/phone/34612000002',
      ]) {
        const res = await t.request({ method: 'GET', url, token: admin });
        expect(res.statusCode, url).toBe(200);
        expect(res.json().id).toBe(c.id);
      }
    });

    it('answers 400 for an unparsable number in the phone lookup and 404 for an unknown one', async () => {
      const bad = await t.request({ method: 'GET', url: '/api/v1/contacts/phone/12ab', token: admin });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toContain('number');
      const unknown = await t.request({
        method: 'GET',
        url: '/api/v1/contacts/phone/+34699999999',
        token: admin,
      });
      expect(unknown.statusCode).toBe(404);
    });

    it('updates given fields only, clears a field set to null and replaces attributes', async () => {
      const c = await newContact({ email: 'old@example.test', attributes: { a: 1 } });
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/contacts/${c.id}`,
        token: admin,
        payload: { name: 'Renamed', email: null, attributes: { b: 2 }, phone_number: '0034 612 99 88 77' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'Renamed',
        email: null,
        attributes: { b: 2 },
        phone_number: '+34612998877',
        external_id: c.external_id ?? null,
      });
    });

    it('refuses with 409 to delete a contact with conversations, keeping it and its history', async () => {
      const c = await newContact();
      const db = t.deps.database.db;
      const tenantId = (await db.query.contacts.findFirst({ where: (x, { eq: e }) => e(x.id, c.id) }))!
        .tenantId;
      const conversation = await createConversation(db, tenantId, { contactId: c.id });
      const message = await createMessage(db, conversation);
      const res = await t.request({ method: 'DELETE', url: `/api/v1/contacts/${c.id}`, token: admin });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({
        code: 'CONFLICT',
        detail: expect.stringMatching(/1 conversation\b/),
      });
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/contacts/${c.id}`, token: admin })).statusCode,
      ).toBe(200);
      expect(await db.select().from(conversations).where(eq(conversations.id, conversation.id))).toHaveLength(
        1,
      );
      expect(await db.select().from(messages).where(eq(messages.id, message.id))).toHaveLength(1);
      // Once its conversations are deleted on purpose, the contact goes too.
      const url = `/api/v1/conversations/${conversation.id}`;
      expect((await t.request({ method: 'DELETE', url, token: admin })).statusCode).toBe(204);
      expect(
        (await t.request({ method: 'DELETE', url: `/api/v1/contacts/${c.id}`, token: admin })).statusCode,
      ).toBe(204);
    });

    it('writes an audit row for each create, update and delete', async () => {
      const c = await newContact();
      await t.request({
        method: 'PATCH',
        url: `/api/v1/contacts/${c.id}`,
        token: admin,
        payload: { name: 'X' },
      });
      await t.request({ method: 'DELETE', url: `/api/v1/contacts/${c.id}`, token: admin });
      const rows = await auditRowsOf(t, c.id);
      expect(rows.map((r) => r.action).sort()).toEqual(['create', 'delete', 'update']);
      expect(rows.every((r) => r.entityType === 'contact')).toBe(true);
    });

    it('publishes contact.created, contact.updated and contact.deleted with the contact after commit', async () => {
      const seen: DomainEvent[] = [];
      const off = t.deps.events.subscribe('*', (e) => void (e.type.startsWith('contact.') && seen.push(e)));
      const c = await newContact();
      await t.request({
        method: 'PATCH',
        url: `/api/v1/contacts/${c.id}`,
        token: admin,
        payload: { name: 'Y' },
      });
      await t.request({ method: 'DELETE', url: `/api/v1/contacts/${c.id}`, token: admin });
      off();
      expect(seen.map((e) => e.type)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
      expect(seen[1]!.payload).toMatchObject({ id: c.id, name: 'Y', tags: [] });
      expect(seen.every((e) => e.actorUserId && e.tenantId)).toBe(true);
    });
  });

  describe('phone numbers', () => {
    it('treats five spellings of one number as one contact', async () => {
      const first = await create({ name: 'Five', phone_number: '+34 612 34 56 78' });
      expect(first.statusCode).toBe(201);
      expect(first.json().phone_number).toBe('+34612345678');
      for (const spelling of ['0034612345678', '+34-612-345-678', '34612345678', '(+34) 612.345.678']) {
        const res = await create({ name: 'Again', phone_number: spelling });
        expect(res.statusCode, spelling).toBe(409);
        expect(res.json().code).toBe('CONFLICT');
      }
      const found = await t.request({
        method: 'GET',
        url: '/api/v1/contacts?search=612345678',
        token: admin,
      });
      expect(found.json().data.map((c: Contact) => c.id)).toEqual([first.json().id]);
    });

    it.each(['12ab', '+999 123', '123', '+34 6'])('answers 400 on phone_number for "%s"', async (value) => {
      const res = await create({ name: 'Bad', phone_number: value });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
      expect(fieldsOf(res.json())).toEqual(['phone_number']);
    });
  });

  describe('validation and uniqueness', () => {
    it('answers 400 with errors[] for unknown fields and bad values, storing nothing', async () => {
      const before = (await t.request({ method: 'GET', url: '/api/v1/contacts', token: admin })).json().meta
        .total;
      const res = await create({ name: 'X', email: 'not-an-email', colour: 'red' });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toContain('colour');
      const bad = await create({ name: 'X', email: 'not-an-email' });
      expect(fieldsOf(bad.json())).toEqual(['email']);
      expect(
        (await t.request({ method: 'GET', url: '/api/v1/contacts', token: admin })).json().meta.total,
      ).toBe(before);
    });

    it('answers 400 for an empty contact and for attributes that are too large or not an object', async () => {
      expect((await create({})).statusCode).toBe(400);
      const huge = await create({ name: 'Big', attributes: { blob: 'x'.repeat(17 * 1024) } });
      expect(huge.statusCode).toBe(400);
      expect(fieldsOf(huge.json())).toContain('attributes');
      expect((await create({ name: 'List', attributes: [1, 2] })).statusCode).toBe(400);
    });

    it('answers 409 for an external id or WhatsApp user id already taken, on create and on update', async () => {
      await newContact({ external_id: 'ext-taken', whatsapp_user_id: 'BSUID.taken' });
      const sameExternal = await create({ name: 'A', external_id: 'ext-taken' });
      expect(sameExternal.statusCode).toBe(409);
      expect(sameExternal.json().detail).toMatch(/external_id/);
      expect((await create({ name: 'B', whatsapp_user_id: 'BSUID.taken' })).statusCode).toBe(409);
      const c = await newContact();
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/contacts/${c.id}`,
        token: admin,
        payload: { external_id: 'ext-taken' },
      });
      expect(res.statusCode).toBe(409);
    });

    it('lets two tenants hold the same phone number', async () => {
      await newContact({ phone_number: '+34 612 55 55 55' });
      const res = await create({ name: 'Twin', phone_number: '+34612555555' }, other);
      expect(res.statusCode).toBe(201);
    });
  });

  describe('lists', () => {
    it('searches name, phone, email and external id, treating % and _ literally', async () => {
      const a = await newContact({ name: 'Zoe 100% Real', email: 'zoe@search.test' });
      const b = await newContact({ name: 'Zoe_underscore', external_id: 'search-ext-1' });
      const search = async (q: string) => {
        const url = `/api/v1/contacts?search=${encodeURIComponent(q)}`;
        const res = await t.request({ method: 'GET', url, token: admin });
        return res.json<{ data: Contact[] }>().data.map((c) => c.id);
      };
      expect(await search('100%')).toEqual([a.id]);
      expect(await search('zoe_')).toEqual([b.id]);
      expect(await search('ZOE@SEARCH')).toEqual([a.id]);
      expect(await search('search-ext')).toEqual([b.id]);
      expect(await search('%')).toEqual([a.id]);
    });

    it('filters by tag, lists by tag and pages with meta', async () => {
      const tag = await created(t, '/api/v1/tags', admin, { name: 'list-vip' });
      const tagged = [await newContact(), await newContact()];
      await newContact();
      for (const c of tagged) {
        await t.request({
          method: 'POST',
          url: `/api/v1/contacts/${c.id}/tags`,
          token: admin,
          payload: { tag_ids: [tag.id] },
        });
      }
      const filtered = await t.request({
        method: 'GET',
        url: `/api/v1/contacts?tag_id=${tag.id}`,
        token: admin,
      });
      expect(filtered.json().data.map((c: Contact) => c.id)).toEqual(tagged.map((c) => c.id));
      const byTag = await t.request({
        method: 'GET',
        url: `/api/v1/contacts/by-tag/${tag.id}?limit=1&page=2`,
        token: admin,
      });
      expect(byTag.statusCode).toBe(200);
      expect(byTag.json()).toMatchObject({
        data: [{ id: tagged[1]!.id, tags: [{ id: tag.id, name: 'list-vip' }] }],
        meta: { page: 2, limit: 1, total: 2, total_pages: 2 },
      });
    });
  });

  describe('tags of a contact', () => {
    it('adds, lists and removes tags, answering the contact with its tags', async () => {
      const vip = await created(t, '/api/v1/tags', admin, { name: 'vip' });
      const late = await created(t, '/api/v1/tags', admin, { name: 'late payer' });
      const c = await newContact();
      const url = `/api/v1/contacts/${c.id}/tags`;
      const added = await t.request({
        method: 'POST',
        url,
        token: admin,
        payload: { tag_ids: [vip.id, late.id, vip.id] },
      });
      expect(added.statusCode).toBe(200);
      expect(added.json().tags.map((x: { name: string }) => x.name)).toEqual(['late payer', 'vip']);
      const again = await t.request({ method: 'POST', url, token: admin, payload: { tag_ids: [vip.id] } });
      expect(again.json().tags).toHaveLength(2);
      const listed = await t.request({ method: 'GET', url, token: admin });
      expect(listed.json()).toEqual({ data: added.json().tags });
      const removed = await t.request({
        method: 'DELETE',
        url,
        token: admin,
        payload: { tag_ids: [vip.id] },
      });
      expect(removed.statusCode).toBe(200);
      expect(removed.json().tags.map((x: { name: string }) => x.name)).toEqual(['late payer']);
      const actions = (await auditRowsOf(t, c.id)).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['add_tags', 'remove_tags']));
    });

    it("answers 400 naming tag_ids for a tag that does not exist or is another tenant's", async () => {
      const foreign = await created(t, '/api/v1/tags', other, { name: 'theirs' });
      const c = await newContact();
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${c.id}/tags`,
        token: admin,
        payload: { tag_ids: [foreign.id] },
      });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['tag_ids']);
      const empty = await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${c.id}/tags`,
        token: admin,
        payload: { tag_ids: [] },
      });
      expect(empty.statusCode).toBe(400);
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another tenant's contact on every route that names it", async () => {
      const tag = await created(t, '/api/v1/tags', admin, { name: 'mine-only' });
      const c = await newContact({ external_id: 'tenant-a-only', phone_number: '+34 612 77 77 77' });
      await t.request({
        method: 'POST',
        url: `/api/v1/contacts/${c.id}/tags`,
        token: admin,
        payload: { tag_ids: [tag.id] },
      });
      const otherTag = await created(t, '/api/v1/tags', other, { name: 'their tag' });
      const routes = [
        { method: 'GET' as const, url: `/api/v1/contacts/${c.id}` },
        { method: 'PATCH' as const, url: `/api/v1/contacts/${c.id}`, payload: { name: 'x' } },
        { method: 'DELETE' as const, url: `/api/v1/contacts/${c.id}` },
        { method: 'GET' as const, url: `/api/v1/contacts/${c.id}/tags` },
        {
          method: 'POST' as const,
          url: `/api/v1/contacts/${c.id}/tags`,
          payload: { tag_ids: [otherTag.id] },
        },
        {
          method: 'DELETE' as const,
          url: `/api/v1/contacts/${c.id}/tags`,
          payload: { tag_ids: [otherTag.id] },
        },
        { method: 'GET' as const, url: `/api/v1/contacts/by-tag/${tag.id}` },
        { method: 'GET' as const, url: '/api/v1/contacts/external-id/tenant-a-only' },
        { method: 'GET' as const, url: '/api/v1/contacts/phone/+34612777777' },
      ];
      for (const route of routes) {
        const res = await t.request({ ...route, token: other });
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(404);
      }
      const list = await t.request({ method: 'GET', url: '/api/v1/contacts?limit=100', token: other });
      expect(list.json().data.map((x: Contact) => x.id)).not.toContain(c.id);
      expect(
        (await t.request({ method: 'GET', url: `/api/v1/contacts/${c.id}`, token: admin })).statusCode,
      ).toBe(200);
    });
  });

  describe('permissions', () => {
    it('answers 403 to an agent writing any contact, before looking at the contact or the body', async () => {
      const agent = await t.createUser('agent');
      const c = await newContact();
      const writes = [
        { method: 'POST' as const, url: '/api/v1/contacts', payload: { name: 'nope' } },
        { method: 'PATCH' as const, url: `/api/v1/contacts/${c.id}`, payload: { name: 'nope' } },
        {
          method: 'PATCH' as const,
          url: '/api/v1/contacts/0195f3c2-0000-7000-8000-000000000000',
          payload: {},
        },
        { method: 'DELETE' as const, url: `/api/v1/contacts/${c.id}` },
        { method: 'POST' as const, url: `/api/v1/contacts/${c.id}/tags`, payload: { bogus: 1 } },
        { method: 'DELETE' as const, url: `/api/v1/contacts/${c.id}/tags`, payload: { tag_ids: [] } },
      ];
      for (const write of writes) {
        const res = await t.request({ ...write, token: agent.token });
        expect(res.statusCode, `${write.method} ${write.url}`).toBe(403);
      }
    });

    it('lets a supervisor write contacts', async () => {
      const supervisor = await t.createUser('supervisor');
      const res = await create({ name: 'By supervisor', phone_number: phone() }, supervisor.token);
      expect(res.statusCode).toBe(201);
    });
  });
});
