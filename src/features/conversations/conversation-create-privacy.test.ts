import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { createContact, createConversation, createTenant } from '../../../test/helpers/factories.js';
import { conversations } from './conversations.table.js';

/**
 * Opening a conversation names a contact by id; the contact must be one the caller may read, or
 * POST /conversations would be a way around GET /contacts/:id (and the contact's accounts, tags
 * and attributes would follow).
 */
describe('POST /conversations and contact privacy', () => {
  let t: TestApp;
  let tenantId: string;
  let agent: { id: string; token: string };
  let supervisor: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.adminToken();
    tenantId = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json().tenant_id;
    agent = await t.createUser('agent');
    supervisor = (await t.createUser('supervisor')).token;
  });
  afterAll(async () => {
    await t.close();
  });

  const db = () => t.deps.database.db;
  const open = (contactId: string, token = agent.token) =>
    t.request({ method: 'POST', url: '/api/v1/conversations', token, payload: { contact_id: contactId } });
  const conversationsOf = async (contactId: string) =>
    (await db().select({ n: count() }).from(conversations).where(eq(conversations.contactId, contactId)))[0]!
      .n;
  const readContact = (contactId: string) =>
    t.request({ method: 'GET', url: `/api/v1/contacts/${contactId}`, token: agent.token });

  it("answers 404 for the contact of another agent's conversation, creates nothing, and the contact stays hidden", async () => {
    const otherAgent = await t.createUser('agent');
    const contact = await createContact(db(), tenantId);
    await createConversation(db(), tenantId, {
      contactId: contact.id,
      assignedUserId: otherAgent.id,
      status: 'closed',
    });
    expect((await readContact(contact.id)).statusCode).toBe(404);
    const res = await open(contact.id);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('NOT_FOUND');
    expect(await conversationsOf(contact.id)).toBe(1);
    expect((await readContact(contact.id)).statusCode).toBe(404);
  });

  it('answers 404 for a contact without conversations (hidden from agents), creating nothing', async () => {
    const contact = await createContact(db(), tenantId);
    const res = await open(contact.id);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
    expect(await conversationsOf(contact.id)).toBe(0);
  });

  it("answers 404 for another tenant's contact, whoever asks", async () => {
    const other = await createTenant(db());
    const contact = await createContact(db(), other.id);
    for (const token of [agent.token, supervisor])
      expect((await open(contact.id, token)).statusCode).toBe(404);
    expect(await conversationsOf(contact.id)).toBe(0);
  });

  it('opens one for a contact the agent can read, and lets a supervisor open one for any contact', async () => {
    const known = await createContact(db(), tenantId);
    await createConversation(db(), tenantId, { contactId: known.id, status: 'closed' });
    expect((await readContact(known.id)).statusCode).toBe(200);
    expect((await open(known.id)).statusCode).toBe(201);
    const lone = await createContact(db(), tenantId);
    expect((await open(lone.id, supervisor)).statusCode).toBe(201);
  });
});
