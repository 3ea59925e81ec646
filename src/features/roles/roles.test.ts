import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

describe('roles', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const roles = async () =>
    (await t.request({ method: 'GET', url: '/api/v1/roles?limit=100', token: admin })).json().data as {
      id: string;
      name: string;
      built_in: boolean;
      permissions: string[];
    }[];

  it('starts every tenant with the built-in admin, supervisor and agent roles', async () => {
    const list = await roles();
    expect(
      list
        .filter((r) => r.built_in)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['admin', 'agent', 'supervisor']);
    const agent = list.find((r) => r.name === 'agent')!;
    expect(agent.permissions).not.toContain('conversations:read_all');
    expect(list.find((r) => r.name === 'supervisor')!.permissions).toContain('conversations:read_all');
  });

  it('creates, renames, re-permissions and deletes a custom role', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'auditor', permissions: ['audit:read'] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const patched = await t.request({
      method: 'PATCH',
      url: `/api/v1/roles/${id}`,
      token: admin,
      payload: { name: 'auditors', permissions: ['audit:read', 'analytics:read'] },
    });
    expect(patched.json()).toMatchObject({
      name: 'auditors',
      permissions: ['audit:read', 'analytics:read'],
      built_in: false,
    });
    expect((await t.request({ method: 'DELETE', url: `/api/v1/roles/${id}`, token: admin })).statusCode).toBe(
      204,
    );
    expect((await t.request({ method: 'GET', url: `/api/v1/roles/${id}`, token: admin })).statusCode).toBe(
      404,
    );
  });

  it('rejects unknown permissions with 400', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'bad', permissions: ['root:all'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toMatch(/^permissions/);
  });

  it('answers 409 for a duplicate name', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'agent', permissions: [] },
    });
    expect(res.statusCode).toBe(409);
  });

  it('refuses to delete or rename a built-in role', async () => {
    const agent = (await roles()).find((r) => r.name === 'agent')!;
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/roles/${agent.id}`, token: admin })).statusCode,
    ).toBe(409);
    const rename = await t.request({
      method: 'PATCH',
      url: `/api/v1/roles/${agent.id}`,
      token: admin,
      payload: { name: 'staff' },
    });
    expect(rename.statusCode).toBe(409);
  });

  it('refuses to delete a role still assigned to users', async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/roles',
      token: admin,
      payload: { name: 'night', permissions: ['contacts:read'] },
    });
    await t.createUser('night');
    expect(
      (await t.request({ method: 'DELETE', url: `/api/v1/roles/${created.json().id}`, token: admin }))
        .statusCode,
    ).toBe(409);
  });

  describe('who may change a role', () => {
    let manager: string;
    let custom: string;
    beforeAll(async () => {
      // A role manager holding only what it needs: it may not hand out or take away anything else.
      await t.request({
        method: 'POST',
        url: '/api/v1/roles',
        token: admin,
        payload: { name: 'role-manager', permissions: ['roles:manage', 'contacts:read'] },
      });
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/roles',
        token: admin,
        payload: { name: 'reporting', permissions: ['contacts:read', 'contacts:write'] },
      });
      custom = res.json<{ id: string }>().id;
      manager = (await t.createUser('role-manager')).token;
    });
    const change = (url: string, method: 'POST' | 'PATCH' | 'DELETE', payload?: object) =>
      t.request({ method, url: `/api/v1/roles${url}`, token: manager, ...(payload ? { payload } : {}) });

    it('refuses to grant a permission the caller does not hold, on create and update', async () => {
      const created = await change('', 'POST', { name: 'escalated', permissions: ['users:write'] });
      expect(created.statusCode).toBe(403);
      const updated = await change(`/${custom}`, 'PATCH', {
        permissions: ['contacts:read', 'contacts:write', 'users:write'],
      });
      expect(updated.statusCode).toBe(403);
      expect((await roles()).map((r) => r.name)).not.toContain('escalated');
    });

    it('refuses to remove a permission the caller does not hold, or to delete a role holding one', async () => {
      const removed = await change(`/${custom}`, 'PATCH', { permissions: ['contacts:read'] });
      expect(removed.statusCode).toBe(403);
      expect((await change(`/${custom}`, 'DELETE')).statusCode).toBe(403);
      const role = (await roles()).find((r) => r.id === custom)!;
      expect(role.permissions.sort()).toEqual(['contacts:read', 'contacts:write']);
      // Touching only what it holds is fine (the other permissions stay as they were).
      const renamed = await change(`/${custom}`, 'PATCH', { name: 'reporting-2' });
      expect(renamed.statusCode).toBe(200);
    });

    it('lets only admins change a built-in role', async () => {
      const agent = (await roles()).find((r) => r.name === 'agent')!;
      // Even within what it holds itself (stripping the agents down to contacts:read).
      const res = await change(`/${agent.id}`, 'PATCH', { permissions: ['contacts:read'] });
      expect(res.statusCode).toBe(403);
      const byAdmin = await t.request({
        method: 'PATCH',
        url: `/api/v1/roles/${agent.id}`,
        token: admin,
        payload: { permissions: agent.permissions },
      });
      expect(byAdmin.statusCode).toBe(200);
    });
  });
});
