import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealtimeTestApp, type RealtimeTestApp } from '../../../test/helpers/realtime.js';

describe('MFA_REQUIRED_ROLES: a role that must use two-factor gets nothing else before enrolling', () => {
  let t: RealtimeTestApp;
  beforeAll(async () => {
    t = await createRealtimeTestApp({ MFA_REQUIRED_ROLES: 'supervisor' });
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    t.request({ method, url: `/api/v1${url}`, token, ...(payload ? { payload } : {}) });

  it('refuses every other route and the socket with MFA_REQUIRED until MFA is on, then lets all through', async () => {
    const agent = await t.createUser('agent');
    const supervisor = await t.createUser('supervisor');
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: supervisor.username, password: 'password123' },
    });
    const { access_token: token, mfa_setup_required } = login.json<{
      access_token: string;
      mfa_setup_required: boolean;
    }>();
    expect(mfa_setup_required).toBe(true);

    const blocked = await call('GET', '/conversations', token);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: 'MFA_REQUIRED' });
    expect((await call('POST', '/tags', token, { name: 'not yet' })).statusCode).toBe(403);
    await expect(t.connect(token)).rejects.toThrow('MFA_REQUIRED');
    // What enrolment needs stays open.
    for (const url of ['/auth/me', '/users/me', '/users/me/settings', '/auth/sessions'])
      expect((await call('GET', url, token)).statusCode, url).toBe(200);

    const { secret } = (await call('POST', '/auth/mfa/setup', token)).json<{ secret: string }>();
    expect(
      (await call('POST', '/auth/mfa/enable', token, { code: await generate({ secret }) })).statusCode,
    ).toBe(200);
    expect((await call('GET', '/conversations', token)).statusCode).toBe(200);
    (await t.connect(token)).disconnect();

    // Roles not listed are not affected.
    const agentLogin = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: agent.username, password: 'password123' },
    });
    expect(agentLogin.json()).toMatchObject({ mfa_setup_required: false });
    expect((await call('GET', '/conversations', agent.token)).statusCode).toBe(200);
  });
});
