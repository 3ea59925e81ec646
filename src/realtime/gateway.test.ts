import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeTestApp, nextEvent, type RealtimeTestApp } from '../../test/helpers/realtime.js';

describe('the /crm gateway', () => {
  let t: RealtimeTestApp;
  let agent: { id: string; token: string };
  beforeAll(async () => {
    t = await createRealtimeTestApp();
    agent = await t.createUser('agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts the token in auth.token', async () => {
    const socket = await t.connect(agent.token);
    expect(socket.connected).toBe(true);
  });

  it('accepts the token in an Authorization: Bearer header', async () => {
    const socket = await t.connect(undefined, { extraHeaders: { authorization: `Bearer ${agent.token}` } });
    expect(socket.connected).toBe(true);
  });

  it('accepts the token in ?token=', async () => {
    const socket = await t.connect(undefined, { query: { token: agent.token } });
    expect(socket.connected).toBe(true);
  });

  it('refuses a connection without a token with UNAUTHENTICATED', async () => {
    await expect(t.connect()).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses a malformed or forged token with UNAUTHENTICATED', async () => {
    await expect(t.connect('not-a-jwt')).rejects.toThrow('UNAUTHENTICATED');
    const [header, payload] = agent.token.split('.');
    await expect(t.connect(`${header}.${payload}.forged-signature`)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses the token of a deleted user', async () => {
    const gone = await t.createUser('agent');
    const res = await t.request({
      method: 'DELETE',
      url: `/api/v1/users/${gone.id}`,
      token: await t.adminToken(),
    });
    expect(res.statusCode).toBe(204);
    await expect(t.connect(gone.token)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses the main namespace: only /crm serves events', async () => {
    const socket = io(t.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: agent.token },
    });
    const err = await nextEvent<Error>(socket, 'connect_error');
    socket.close();
    expect(err.message).toBe('UNAUTHENTICATED');
  });

  it('closes with the app, leaving clients free to reconnect elsewhere', async () => {
    const other = await createRealtimeTestApp();
    const socket = await other.connect(await other.adminToken());
    const dropped = nextEvent(socket, 'disconnect');
    await other.app.close();
    expect(await dropped).toBe('transport close');
    await other.close();
  });

  it('drops every live socket of a token at logout, and the token cannot reconnect', async () => {
    const user = await t.createUser('agent');
    const otherSession = await t.login(user.username, 'password123');
    const [first, second, other] = await Promise.all([
      t.connect(user.token),
      t.connect(user.token),
      t.connect(otherSession),
    ]);
    const dropped = Promise.all([nextEvent(first, 'disconnect'), nextEvent(second, 'disconnect')]);
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: user.token });
    expect(res.statusCode).toBe(204);
    expect(await dropped).toEqual(['io server disconnect', 'io server disconnect']);
    expect(other.connected).toBe(true);
    await expect(t.connect(user.token)).rejects.toThrow('UNAUTHENTICATED');
  });
});
