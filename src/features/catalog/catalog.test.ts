import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { auditRowsOf, created, fieldsOf, registerOtherTenant } from './crud.test-helpers.js';

/**
 * Tags, bots, servers, applications and devices share one CRUD implementation; this suite holds
 * each of them to the same contract. Module-specific rules live next to each module.
 */
const MODULES = [
  {
    path: '/tags',
    body: (n: string) => ({ name: n, color: '#ff0000' }),
    patch: { color: 'blue' },
    unique: true,
  },
  { path: '/bots', body: (n: string) => ({ name: n }), patch: { description: 'helps' }, unique: false },
  { path: '/servers', body: (n: string) => ({ name: n }), patch: { name: 'renamed-server' }, unique: true },
  { path: '/applications', body: (n: string) => ({ name: n }), patch: { name: 'renamed-app' }, unique: true },
  { path: '/devices', body: (n: string) => ({ name: n }), patch: { name: 'renamed-device' }, unique: true },
];

describe.each(MODULES)('$path', ({ path, body, patch, unique }) => {
  let t: TestApp;
  let admin: string;
  let other: string;
  const url = `/api/v1${path}`;
  let n = 0;
  const fresh = () => body(`item ${path.slice(1)} ${++n}`);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    other = await registerOtherTenant(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, lists, updates and deletes, each write with an audit row', async () => {
    const item = await created(t, url, admin, fresh());
    expect(item).toMatchObject({ ...fresh(), name: expect.any(String), created_at: expect.any(String) });

    const read = await t.request({ method: 'GET', url: `${url}/${item.id}`, token: admin });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(item);

    const list = await t.request({ method: 'GET', url: `${url}?limit=100`, token: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((i: { id: string }) => i.id)).toContain(item.id);
    expect(list.json().meta).toMatchObject({ page: 1, limit: 100 });

    const patched = await t.request({
      method: 'PATCH',
      url: `${url}/${item.id}`,
      token: admin,
      payload: patch,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id: item.id, ...patch });

    const deleted = await t.request({ method: 'DELETE', url: `${url}/${item.id}`, token: admin });
    expect(deleted.statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${url}/${item.id}`, token: admin })).statusCode).toBe(404);

    const actions = (await auditRowsOf(t, item.id)).map((r) => r.action).sort();
    expect(actions).toEqual(['create', 'delete', 'update']);
  });

  it('pages the list with API.md meta', async () => {
    await created(t, url, admin, fresh());
    await created(t, url, admin, fresh());
    const res = await t.request({ method: 'GET', url: `${url}?page=2&limit=1`, token: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(1);
    expect(res.json().meta.total_pages).toBe(res.json().meta.total);
    expect((await t.request({ method: 'GET', url: `${url}?limit=101`, token: admin })).statusCode).toBe(400);
  });

  it('answers 400 with errors[] for a missing name or an unknown field, and stores nothing', async () => {
    const before = (await t.request({ method: 'GET', url, token: admin })).json().meta.total;
    const missing = await t.request({ method: 'POST', url, token: admin, payload: { name: '' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('VALIDATION_ERROR');
    expect(fieldsOf(missing.json())).toContain('name');
    const unknown = await t.request({
      method: 'POST',
      url,
      token: admin,
      payload: { ...fresh(), owner: 'me' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown.json())).toContain('owner');
    expect((await t.request({ method: 'GET', url, token: admin })).json().meta.total).toBe(before);
  });

  const nameRule = unique
    ? 'answers 409 CONFLICT for a name already taken, in any letter case'
    : 'allows repeated names';
  it(nameRule, async () => {
    await created(t, url, admin, body('Taken Name'));
    const res = await t.request({ method: 'POST', url, token: admin, payload: body('TAKEN name') });
    if (!unique) {
      expect(res.statusCode).toBe(201);
      return;
    }
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
    const second = await created(t, url, admin, body('Another Name'));
    const rename = await t.request({
      method: 'PATCH',
      url: `${url}/${second.id}`,
      token: admin,
      payload: { name: 'taken name' },
    });
    expect(rename.statusCode).toBe(409);
  });

  it('lets another tenant use the same name', async () => {
    await created(t, url, admin, body('Shared Name'));
    await created(t, url, other, body('Shared Name'));
  });

  it("answers 404 for another tenant's row on every id route and never lists it", async () => {
    const item = await created(t, url, admin, fresh());
    for (const [method, payload] of [['GET'], ['PATCH', patch], ['DELETE']] as const) {
      const res = await t.request({
        method,
        url: `${url}/${item.id}`,
        token: other,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, method).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    const list = await t.request({ method: 'GET', url: `${url}?limit=100`, token: other });
    expect(list.json().data.map((i: { id: string }) => i.id)).not.toContain(item.id);
    expect((await t.request({ method: 'GET', url: `${url}/${item.id}`, token: admin })).statusCode).toBe(200);
  });

  it('lets an agent read but answers 403 to its writes, before validating the body', async () => {
    const item = await created(t, url, admin, fresh());
    const agent = await t.createUser('agent');
    expect((await t.request({ method: 'GET', url, token: agent.token })).statusCode).toBe(200);
    expect(
      (await t.request({ method: 'GET', url: `${url}/${item.id}`, token: agent.token })).statusCode,
    ).toBe(200);
    const writes = [
      { method: 'POST' as const, url, payload: { nonsense: true } },
      { method: 'PATCH' as const, url: `${url}/${item.id}`, payload: patch },
      { method: 'DELETE' as const, url: `${url}/${item.id}` },
    ];
    for (const write of writes) {
      const res = await t.request({ ...write, token: agent.token });
      expect(res.statusCode, write.method).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
  });

  it('answers 401 without a token', async () => {
    expect((await t.request({ method: 'GET', url })).statusCode).toBe(401);
  });
});
