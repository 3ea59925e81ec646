import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { image, pdf } from '../../../test/media/fixtures.js';
import { uploadOne } from '../../../test/media/upload.js';
import { fieldsOf, registerOtherTenant } from '../catalog/crud.test-helpers.js';
import { sweepOrphanMedia } from '../media/media-orphans.js';
import { mediaObjects } from '../media/media.table.js';

describe('self-service profile (/users/me)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/users/me', token });
  const patchMe = (token: string, payload: unknown) =>
    t.request({ method: 'PATCH', url: '/api/v1/users/me', token, payload: payload as object });

  it('answers the caller as a user object, not captured by /users/:id', async () => {
    const agent = await t.createUser('agent');
    const res = await me(agent.token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: agent.id,
      username: agent.username,
      role: 'agent',
      phone_number: null,
      avatar_media_id: null,
    });
  });

  it('lets any user change their own name, email and phone number (normalised to E.164)', async () => {
    const agent = await t.createUser('agent');
    const res = await patchMe(agent.token, {
      name: 'Agent Smith',
      email: 'smith@example.test',
      phone_number: '+34 612 34 56 78',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: agent.id,
      name: 'Agent Smith',
      email: 'smith@example.test',
      phone_number: '+34612345678',
    });
    expect((await me(agent.token)).json().phone_number).toBe('+34612345678');
    // An admin sees the same phone number on the user.
    const seen = await t.request({ method: 'GET', url: `/api/v1/users/${agent.id}`, token: admin });
    expect(seen.json().phone_number).toBe('+34612345678');
    expect((await patchMe(agent.token, { phone_number: null })).json().phone_number).toBeNull();
  });

  it('answers 400 for fields only an admin changes, and for a bad phone number, changing nothing', async () => {
    const agent = await t.createUser('agent');
    for (const [body, field] of [
      [{ role: 'admin' }, 'role'],
      [{ username: 'taken_over' }, 'username'],
      [{ tenant_id: '0195f3c2-0000-7000-8000-000000000000' }, 'tenant_id'],
      [{ password: 'password456' }, 'password'],
      [{ phone_number: 'call me' }, 'phone_number'],
      [{ email: 'not-an-email' }, 'email'],
    ] as const) {
      const res = await patchMe(agent.token, { name: 'Changed', ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(res.json())).toEqual([field]);
    }
    expect((await me(agent.token)).json()).toMatchObject({
      role: 'agent',
      username: agent.username,
      name: agent.username,
    });
  });

  it('answers 409 for an email another user has', async () => {
    const a = await t.createUser('agent');
    const b = await t.createUser('agent');
    await patchMe(a.token, { email: 'dup@example.test' });
    const res = await patchMe(b.token, { email: 'DUP@example.test' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
  });

  it('takes an image of the tenant as avatar, refusing other media with 400 naming avatar_media_id', async () => {
    const agent = await t.createUser('agent');
    const avatar = await uploadOne(t, agent.token, 'image', { name: 'me.png', data: await image('png') });
    const res = await patchMe(agent.token, { avatar_media_id: avatar.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().avatar_media_id).toBe(avatar.id);

    const doc = await uploadOne(t, agent.token, 'document', { name: 'cv.pdf', data: pdf() });
    const other = await registerOtherTenant(t);
    const foreign = await uploadOne(t, other, 'image', { name: 'x.png', data: await image('png') });
    for (const id of [doc.id, foreign.id, '0195f3c2-0000-7000-8000-000000000000']) {
      const bad = await patchMe(agent.token, { avatar_media_id: id });
      expect(bad.statusCode).toBe(400);
      expect(fieldsOf(bad.json())).toEqual(['avatar_media_id']);
    }
    expect((await me(agent.token)).json().avatar_media_id).toBe(avatar.id);
  });

  it('keeps an avatar out of the orphan-upload sweep, and clears it when the media is deleted', async () => {
    const agent = await t.createUser('agent');
    const avatar = await uploadOne(t, agent.token, 'image', { name: 'me.png', data: await image('png') });
    const stray = await uploadOne(t, agent.token, 'image', { name: 'stray.png', data: await image('png') });
    await patchMe(agent.token, { avatar_media_id: avatar.id });
    const { db } = t.deps.database;
    await sweepOrphanMedia({ db, storage: t.deps.storage }, new Date(Date.now() + 60_000));
    const left = await db
      .select({ id: mediaObjects.id })
      .from(mediaObjects)
      .where(eq(mediaObjects.id, avatar.id));
    expect(left).toHaveLength(1);
    const gone = await db
      .select({ id: mediaObjects.id })
      .from(mediaObjects)
      .where(eq(mediaObjects.id, stray.id));
    expect(gone).toHaveLength(0);

    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/media/${avatar.id}`, token: agent.token }))
        .statusCode,
    ).toBe(204);
    expect((await me(agent.token)).json().avatar_media_id).toBeNull();
  });
});

describe('GET /users?search=', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
    for (const [name, username, email] of [
      ['María López', 'mlopez', 'maria@shop.test'],
      ['Bob Stone', 'bob_s', 'bob@other.test'],
      ['Carla 100%', 'carla', null],
    ] as const) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/users',
        token: admin,
        payload: { name, username, password: 'password123', role: 'agent', ...(email ? { email } : {}) },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const search = async (q: string, token = admin) => {
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/users?search=${encodeURIComponent(q)}`,
      token,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ data: { username: string }[]; meta: { total: number } }>();
  };

  it('matches a case-insensitive substring of name, username or email', async () => {
    expect((await search('LÓPEZ')).data.map((u) => u.username)).toEqual(['mlopez']);
    expect((await search('OB_')).data.map((u) => u.username)).toEqual(['bob_s']);
    expect((await search('SHOP.TE')).data.map((u) => u.username)).toEqual(['mlopez']);
    // "Administrator" (the bootstrapped admin) has an o too.
    const page = await search('o');
    expect(page.data.map((u) => u.username).sort()).toEqual(['admin', 'bob_s', 'mlopez']);
    expect(page.meta.total).toBe(3);
  });

  it('treats % and _ literally', async () => {
    expect((await search('%')).data.map((u) => u.username)).toEqual(['carla']);
    expect((await search('b_')).data.map((u) => u.username)).toEqual(['bob_s']);
    expect((await search('_s')).data.map((u) => u.username)).toEqual(['bob_s']);
  });

  it('searches only the caller tenant and needs users:read', async () => {
    const other = await registerOtherTenant(t);
    expect((await search('bob', other)).data).toEqual([]);
    const role = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'readerless', permissions: ['contacts:read'] },
    });
    expect(role.statusCode).toBe(201);
    const user = await t.createUser('readerless');
    const res = await t.request({ method: 'GET', url: '/api/v1/users?search=bob', token: user.token });
    expect(res.statusCode).toBe(403);
  });
});
