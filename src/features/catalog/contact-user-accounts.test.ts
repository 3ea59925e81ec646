import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { auditLogs } from '../audit/audit.table.js';
import { contactUserAccounts } from './catalog.table.js';
import { auditRowsOf, created, fieldsOf, registerOtherTenant } from './crud.test-helpers.js';

const URL = '/api/v1/contact-user-accounts';
const PASSWORD = 'Tr0ub4dor&3-unique-marker';

describe('contact user accounts', () => {
  let t: TestApp;
  let admin: string;
  let other: string;
  let refs: { contact_id: string; server_id: string; application_id: string; device_id: string };
  let foreign: typeof refs;

  async function references(token: string, suffix: string) {
    return {
      contact_id: (await created(t, '/api/v1/contacts', token, { name: `Holder ${suffix}` })).id,
      server_id: (await created(t, '/api/v1/servers', token, { name: `server ${suffix}` })).id,
      application_id: (await created(t, '/api/v1/applications', token, { name: `app ${suffix}` })).id,
      device_id: (await created(t, '/api/v1/devices', token, { name: `device ${suffix}` })).id,
    };
  }
  const newAccount = (extra: Record<string, unknown> = {}) =>
    created(t, URL, admin, { ...refs, username_final: 'jdoe', password_final: PASSWORD, ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    other = await registerOtherTenant(t);
    refs = await references(admin, 'a');
    foreign = await references(other, 'b');
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates an account with every field and never returns the password', async () => {
    const res = await t.request({
      method: 'POST',
      url: URL,
      token: admin,
      payload: {
        ...refs,
        username_final: 'jdoe',
        password_final: PASSWORD,
        id_line_server: 7,
        date_exp: '2027-01-31T12:00:00+01:00',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      ...refs,
      username_final: 'jdoe',
      id_line_server: 7,
      date_exp: '2027-01-31T11:00:00.000Z',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.body).not.toMatch(/password/i);
    expect(res.body).not.toContain(PASSWORD);
  });

  it('stores the password encrypted, decryptable with the deployment key', async () => {
    const account = await newAccount();
    const [row] = await t.deps.database.db
      .select()
      .from(contactUserAccounts)
      .where(eq(contactUserAccounts.id, account.id));
    expect(row!.passwordFinalEncrypted).not.toContain(PASSWORD);
    expect(t.deps.secrets.decrypt(row!.passwordFinalEncrypted)).toBe(PASSWORD);
  });

  it('changes the password on update, still write-only', async () => {
    const account = await newAccount();
    const res = await t.request({
      method: 'PATCH',
      url: `${URL}/${account.id}`,
      token: admin,
      payload: { password_final: 'new-secret-value', username_final: 'jdoe2', application_id: null },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username_final: 'jdoe2', application_id: null });
    expect(res.body).not.toContain('new-secret-value');
    const [row] = await t.deps.database.db
      .select()
      .from(contactUserAccounts)
      .where(eq(contactUserAccounts.id, account.id));
    expect(t.deps.secrets.decrypt(row!.passwordFinalEncrypted)).toBe('new-secret-value');
  });

  it('keeps the password out of every read and every audit row', async () => {
    const account = await newAccount();
    await t.request({
      method: 'PATCH',
      url: `${URL}/${account.id}`,
      token: admin,
      payload: { password_final: PASSWORD },
    });
    for (const url of [
      `${URL}/${account.id}`,
      `${URL}?limit=100`,
      `/api/v1/audit-logs?entity_id=${account.id}`,
    ]) {
      const res = await t.request({ method: 'GET', url, token: admin });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(PASSWORD);
    }
    const rows = await auditRowsOf(t, account.id);
    expect(rows.map((r) => r.action).sort()).toEqual(['create', 'update']);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
      expect(row.changes).toMatchObject({ password_final: '[changed]' });
    }
    const everything = await t.deps.database.db.select().from(auditLogs);
    expect(JSON.stringify(everything)).not.toContain(PASSWORD);
  });

  it("answers 400 naming each field that references a missing or another tenant's row", async () => {
    const res = await t.request({
      method: 'POST',
      url: URL,
      token: admin,
      payload: { ...foreign, username_final: 'x', password_final: 'y' },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json()).sort()).toEqual(['application_id', 'contact_id', 'device_id', 'server_id']);
    const account = await newAccount();
    const patch = await t.request({
      method: 'PATCH',
      url: `${URL}/${account.id}`,
      token: admin,
      payload: { server_id: foreign.server_id },
    });
    expect(patch.statusCode).toBe(400);
    expect(fieldsOf(patch.json())).toEqual(['server_id']);
  });

  it('answers 400 for missing required fields, bad dates and unknown fields', async () => {
    const missing = await t.request({
      method: 'POST',
      url: URL,
      token: admin,
      payload: { contact_id: refs.contact_id },
    });
    expect(missing.statusCode).toBe(400);
    expect(fieldsOf(missing.json())).toEqual(
      expect.arrayContaining(['username_final', 'password_final', 'server_id']),
    );
    const bad = await t.request({
      method: 'POST',
      url: URL,
      token: admin,
      payload: { ...refs, username_final: 'x', password_final: 'y', date_exp: 'tomorrow', password: 'z' },
    });
    expect(fieldsOf(bad.json())).toEqual(expect.arrayContaining(['date_exp', 'password']));
  });

  it('filters the list by contact', async () => {
    const second = (await created(t, '/api/v1/contacts', admin, { name: 'Second holder' })).id;
    const mine = await newAccount({ contact_id: second });
    const res = await t.request({ method: 'GET', url: `${URL}?contact_id=${second}`, token: admin });
    expect(res.json().data.map((a: { id: string }) => a.id)).toEqual([mine.id]);
  });

  it('answers 409 when deleting a server that accounts still use, and goes with its contact', async () => {
    const holder = (await created(t, '/api/v1/contacts', admin, { name: 'Leaving' })).id;
    const server = (await created(t, '/api/v1/servers', admin, { name: 'busy server' })).id;
    const account = await newAccount({ contact_id: holder, server_id: server });
    const res = await t.request({ method: 'DELETE', url: `/api/v1/servers/${server}`, token: admin });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/contacts/${holder}`, token: admin })).statusCode,
    ).toBe(204);
    expect((await t.request({ method: 'GET', url: `${URL}/${account.id}`, token: admin })).statusCode).toBe(
      404,
    );
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/servers/${server}`, token: admin })).statusCode,
    ).toBe(204);
  });

  it("answers 404 for another tenant's account on every id route", async () => {
    const account = await newAccount();
    for (const [method, payload] of [['GET'], ['PATCH', { username_final: 'x' }], ['DELETE']] as const) {
      const res = await t.request({
        method,
        url: `${URL}/${account.id}`,
        token: other,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, method).toBe(404);
    }
    const list = await t.request({ method: 'GET', url: URL, token: other });
    expect(list.json().data).toEqual([]);
  });

  it('answers 403 to an agent writing an account', async () => {
    const agent = await t.createUser('agent');
    const res = await t.request({ method: 'POST', url: URL, token: agent.token, payload: { ...refs } });
    expect(res.statusCode).toBe(403);
  });

  it('deletes an account with an audit row', async () => {
    const account = await newAccount();
    expect(
      (await t.request({ method: 'DELETE', url: `${URL}/${account.id}`, token: admin })).statusCode,
    ).toBe(204);
    expect((await auditRowsOf(t, account.id)).map((r) => r.action).sort()).toEqual(['create', 'delete']);
  });
});
