import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { created, fieldsOf } from '../catalog/crud.test-helpers.js';

describe('tags', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the documented shape, with a null colour when none is given', async () => {
    const tag = await created(t, '/api/v1/tags', admin, { name: '  Follow up  ' });
    expect(tag).toEqual({
      id: expect.any(String),
      name: 'Follow up',
      color: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('accepts #rgb, #rrggbb and colour names, and answers 400 on color otherwise', async () => {
    for (const color of ['#abc', '#A1B2C3', 'teal']) {
      await created(t, '/api/v1/tags', admin, { name: `colour ${color}`, color });
    }
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/tags',
      token: admin,
      payload: { name: 'bad colour', color: 'url(javascript:x)' },
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json())).toEqual(['color']);
  });

  it('lets a supervisor write tags', async () => {
    const supervisor = await t.createUser('supervisor');
    await created(t, '/api/v1/tags', supervisor.token, { name: 'supervised' });
  });

  it('takes a deleted tag off every contact', async () => {
    const tag = await created(t, '/api/v1/tags', admin, { name: 'short-lived' });
    const contact = await created(t, '/api/v1/contacts', admin, { name: 'Tagged' });
    await t.request({
      method: 'POST',
      url: `/api/v1/contacts/${contact.id}/tags`,
      token: admin,
      payload: { tag_ids: [tag.id] },
    });
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/tags/${tag.id}`, token: admin })).statusCode,
    ).toBe(204);
    const after = await t.request({ method: 'GET', url: `/api/v1/contacts/${contact.id}`, token: admin });
    expect(after.json().tags).toEqual([]);
  });
});
