import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversation } from '../../../test/helpers/factories.js';
import { createRealtimeTestApp, nextEvent, type RealtimeTestApp } from '../../../test/helpers/realtime.js';

describe('deactivating a user (PATCH /users/:id {active})', () => {
  let t: RealtimeTestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createRealtimeTestApp();
    admin = await t.adminToken();
  });
  afterAll(async () => {
    await t.close();
  });

  const patch = (id: string, payload: object, token = admin) =>
    t.request({ method: 'PATCH', url: `/api/v1/users/${id}`, token, payload });
  const login = (username: string) =>
    t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'password123' } });

  it('ends every session and socket at once, refuses login, keeps the user listed, and can be undone', async () => {
    const user = await t.createUser('agent');
    const socket = await t.connect(user.token);
    const dropped = nextEvent<string>(socket, 'disconnect');

    const off = await patch(user.id, { active: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: user.id, active: false });
    expect(await dropped).toBe('io server disconnect');
    expect((await t.request({ method: 'GET', url: '/api/v1/auth/me', token: user.token })).statusCode).toBe(
      401,
    );
    const refused = await login(user.username);
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ detail: string }>().detail).toContain('deactivated');
    const listed = await t.request({ method: 'GET', url: `/api/v1/users/${user.id}`, token: admin });
    expect(listed.json()).toMatchObject({ active: false });

    expect((await patch(user.id, { active: true })).json()).toMatchObject({ active: true });
    expect((await login(user.username)).statusCode).toBe(200);
  });

  it('cannot assign a conversation to a deactivated user, nor deactivate oneself', async () => {
    const user = await t.createUser('agent');
    await patch(user.id, { active: false });
    const c = await createConversation(t.deps.database.db, t.tenantId);
    const assign = await t.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${c.id}/assign`,
      token: admin,
      payload: { user_id: user.id },
    });
    expect(assign.statusCode).toBe(400);
    const me = (await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).json<{
      id: string;
    }>();
    const self = await patch(me.id, { active: false });
    expect(self.statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/api/v1/auth/me', token: admin })).statusCode).toBe(200);
  });
});
