import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

describe('users', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (payload: Record<string, unknown>, token = admin) =>
    t.request({ method: 'POST', url: '/api/v1/users', token, payload });

  it('creates a user with a role name and never returns its password', async () => {
    const res = await create({
      name: 'Sue',
      username: 'sue',
      password: 'password123',
      role: 'supervisor',
      email: 'sue@x.test',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Sue',
      username: 'sue',
      role: 'supervisor',
      email: 'sue@x.test',
      online: false,
      presence: 'offline',
    });
    expect(res.body).not.toMatch(/password/);
  });

  it('answers 409 for a username already taken, in any letter case', async () => {
    await create({ name: 'A', username: 'taken', password: 'password123', role: 'agent' });
    const res = await create({ name: 'B', username: 'TAKEN', password: 'password123', role: 'agent' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CONFLICT');
  });

  it('answers 400 with field errors for bad input and stores nothing', async () => {
    const res = await create({ name: '', username: 'x', password: 'short', role: 'agent' });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'username', 'password']));
    const list = await t.request({ method: 'GET', url: '/api/v1/users?limit=100', token: admin });
    expect(list.json().data.map((u: { username: string }) => u.username)).not.toContain('x');
  });

  it('answers 400 for an unknown role', async () => {
    const res = await create({ name: 'R', username: 'rolless', password: 'password123', role: 'wizard' });
    expect(res.statusCode).toBe(400);
  });

  it('lists users as a page with meta, and rejects a limit above 100', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/users?page=1&limit=2', token: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(2);
    expect(res.json().meta).toMatchObject({ page: 1, limit: 2 });
    expect(res.json().meta.total_pages).toBe(Math.ceil(res.json().meta.total / 2));
    const tooMany = await t.request({ method: 'GET', url: '/api/v1/users?limit=101', token: admin });
    expect(tooMany.statusCode).toBe(400);
  });

  it('includes role details on request', async () => {
    const { id } = await t.createUser('agent');
    const res = await t.request({
      method: 'GET',
      url: `/api/v1/users/${id}?include_role=true`,
      token: admin,
    });
    expect(res.json().role_detail).toMatchObject({
      name: 'agent',
      permissions: expect.arrayContaining(['messages:write']),
    });
  });

  it('updates and deletes a user; a deleted user is 404 and cannot log in', async () => {
    const { id, username } = await t.createUser('agent');
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      token: admin,
      payload: { name: 'Renamed', role: 'supervisor' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', role: 'supervisor' });
    expect((await t.request({ method: 'DELETE', url: `/api/v1/users/${id}`, token: admin })).statusCode).toBe(
      204,
    );
    expect((await t.request({ method: 'GET', url: `/api/v1/users/${id}`, token: admin })).statusCode).toBe(
      404,
    );
    await expect(t.login(username, 'password123')).rejects.toThrow(/401/);
  });

  it("lets an admin set a user's phone number (E.164), refusing a malformed one", async () => {
    const user = (
      await create({ name: 'Phil', username: 'phil', password: 'password123', role: 'agent' })
    ).json<{
      id: string;
    }>();
    const patch = (phone_number: string | null) =>
      t.request({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        token: admin,
        payload: { phone_number },
      });
    expect((await patch('+34 612 34 56 78')).json()).toMatchObject({ phone_number: '+34612345678' });
    const bad = await patch('not a phone');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ errors: [{ field: 'phone_number' }] });
    expect((await patch(null)).json()).toMatchObject({ phone_number: null });
  });

  it('answers 404 for a user id that does not exist and 400 for a malformed id', async () => {
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/api/v1/users/0195f3c2-0000-7000-8000-000000000000',
          token: admin,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.request({ method: 'GET', url: '/api/v1/users/not-a-uuid', token: admin })).statusCode,
    ).toBe(400);
  });

  describe('tenancy', () => {
    it("answers 404 for another tenant's user on every id route", async () => {
      const other = await t.request({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenant_name: 'Other', name: 'O', email: 'o@other.test', password: 'correct horse' },
      });
      const otherToken = other.json().access_token as string;
      const { id } = await t.createUser('agent');
      for (const [method, payload] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
        const res = await t.request({
          method,
          url: `/api/v1/users/${id}`,
          token: otherToken,
          ...(payload ? { payload } : {}),
        });
        expect(res.statusCode, method).toBe(404);
      }
      const list = await t.request({ method: 'GET', url: '/api/v1/users?limit=100', token: otherToken });
      expect(list.json().data.map((u: { id: string }) => u.id)).toEqual([other.json().user.id]);
    });
  });

  describe('permissions', () => {
    it('forbids an agent from writing users or managing roles', async () => {
      const agent = await t.createUser('agent');
      expect(
        (
          await create(
            { name: 'n', username: 'byagent', password: 'password123', role: 'agent' },
            agent.token,
          )
        ).statusCode,
      ).toBe(403);
      expect((await t.request({ method: 'GET', url: '/api/v1/roles', token: agent.token })).statusCode).toBe(
        403,
      );
      expect(
        (await t.request({ method: 'DELETE', url: `/api/v1/users/${agent.id}`, token: agent.token }))
          .statusCode,
      ).toBe(403);
    });

    it('answers 403 before validating the body', async () => {
      const agent = await t.createUser('agent');
      const res = await create({ nonsense: true }, agent.token);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    });

    it('stops an agent from escalating itself', async () => {
      const agent = await t.createUser('agent');
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/users/${agent.id}`,
        token: agent.token,
        payload: { role: 'admin' },
      });
      expect(res.statusCode).toBe(403);
      const meRes = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: agent.token });
      expect(meRes.json().role).toBe('agent');
    });

    it('stops a user manager from granting a role with more than it holds', async () => {
      const role = await t.request({
        method: 'POST',
        url: '/api/v1/roles',
        token: admin,
        payload: { name: 'hr', permissions: ['users:read', 'users:write'] },
      });
      expect(role.statusCode).toBe(201);
      const hr = await t.createUser('hr');
      const res = await create(
        { name: 'E', username: 'escalated', password: 'password123', role: 'admin' },
        hr.token,
      );
      expect(res.statusCode).toBe(403);
      const ok = await create(
        { name: 'E', username: 'peer_hr', password: 'password123', role: 'hr' },
        hr.token,
      );
      expect(ok.statusCode).toBe(201);
      // And it cannot change its own role either.
      const self = await t.request({
        method: 'PATCH',
        url: `/api/v1/users/${hr.id}`,
        token: hr.token,
        payload: { role: 'admin' },
      });
      expect(self.statusCode).toBe(403);
    });

    it('takes a role change into account on the next request', async () => {
      const user = await t.createUser('supervisor');
      expect((await t.request({ method: 'GET', url: '/api/v1/users', token: user.token })).statusCode).toBe(
        200,
      );
      const roles = await t.request({ method: 'GET', url: '/api/v1/roles?limit=100', token: admin });
      const noUsers = roles.json().data.find((r: { name: string }) => r.name === 'supervisor');
      await t.request({
        method: 'PATCH',
        url: `/api/v1/roles/${noUsers.id}`,
        token: admin,
        payload: { permissions: ['contacts:read'] },
      });
      expect((await t.request({ method: 'GET', url: '/api/v1/users', token: user.token })).statusCode).toBe(
        403,
      );
    });
  });
});
