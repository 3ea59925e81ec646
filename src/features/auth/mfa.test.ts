import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { mfaRecoveryCodes } from './mfa.table.js';

/** The code an authenticator app shows `steps` 30-second steps from now. */
const codeAt = (secret: string, steps = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe('two-factor authentication (TOTP)', () => {
  let t: TestApp;
  let ip = 0;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // A fresh address per attempt keeps these tests clear of the login rate limit (tested below).
  const login = (username: string, extra: Record<string, unknown> = {}) =>
    t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: 'password123', ...extra },
      remoteAddress: `10.9.0.${++ip}`,
    });

  async function enrolled() {
    const user = await t.createUser('agent');
    const setup = await t.request({ method: 'POST', url: '/api/v1/auth/mfa/setup', token: user.token });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauth_url } = setup.json<{ secret: string; otpauth_url: string }>();
    const enable = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      token: user.token,
      payload: { code: await codeAt(secret) },
    });
    expect(enable.statusCode).toBe(200);
    const { recovery_codes } = enable.json<{ recovery_codes: string[] }>();
    return { ...user, secret, otpauth_url, recovery_codes };
  }

  it('sets up a 160-bit base32 secret with an otpauth URL, pending until a first code enables it', async () => {
    const user = await t.createUser('agent');
    const setup = await t.request({ method: 'POST', url: '/api/v1/auth/mfa/setup', token: user.token });
    const { secret, otpauth_url } = setup.json<{ secret: string; otpauth_url: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauth_url);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('ApiCeChat');
    // Pending: login still needs no code, and the user is not flagged.
    expect((await login(user.username)).statusCode).toBe(200);
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: user.token });
    expect(me.json()).toMatchObject({ mfa_enabled: false });

    const wrong = await t.request({
      method: 'POST',
      url: '/api/v1/auth/mfa/enable',
      token: user.token,
      payload: { code: await codeAt(secret, 5) },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'MFA_INVALID' });
  });

  it('enables with a first code and answers 10 distinct recovery codes once', async () => {
    const user = await enrolled();
    expect(user.recovery_codes).toHaveLength(10);
    expect(new Set(user.recovery_codes).size).toBe(10);
    for (const code of user.recovery_codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const me = await t.request({ method: 'GET', url: '/api/v1/auth/me', token: user.token });
    expect(me.json()).toMatchObject({ mfa_enabled: true });
    // Recovery codes are stored hashed: no column holds one as given.
    const stored = await t.deps.database.db
      .select()
      .from(mfaRecoveryCodes)
      .where(eq(mfaRecoveryCodes.userId, user.id));
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(user.recovery_codes[0]!.replace('-', ''));
    const again = await t.request({ method: 'POST', url: '/api/v1/auth/mfa/setup', token: user.token });
    expect(again.statusCode).toBe(409);
  });

  it('asks an MFA user for the code, refuses a wrong one, and issues nothing until it passes', async () => {
    const user = await enrolled();
    const missing = await login(user.username);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'MFA_REQUIRED' });
    expect(missing.json()).not.toHaveProperty('access_token');
    const wrong = await login(user.username, { mfa_code: await codeAt(user.secret, 4) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'MFA_INVALID' });
    // Wrong password with a right code is the ordinary credentials error (no MFA oracle).
    const badPassword = await login(user.username, {
      password: 'wrong-password',
      mfa_code: await codeAt(user.secret, 1),
    });
    expect(badPassword.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    // One step of drift is accepted (the authenticator's clock runs 30 s ahead).
    const ok = await login(user.username, { mfa_code: await codeAt(user.secret, 1) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ user: { mfa_enabled: true }, mfa_setup_required: false });
  });

  it('accepts a TOTP code once: a replay in the same step is MFA_INVALID, also when racing', async () => {
    const user = await enrolled();
    const code = await codeAt(user.secret, 1);
    const both = await Promise.all([
      login(user.username, { mfa_code: code }),
      login(user.username, { mfa_code: code }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    const replay = await login(user.username, { mfa_code: code });
    expect(replay.json()).toMatchObject({ code: 'MFA_INVALID' });
    // The enabling code cannot log in either (its step is used).
    const enablingStep = await login(user.username, { mfa_code: await codeAt(user.secret) });
    expect(enablingStep.statusCode).toBe(401);
  });

  it('takes a recovery code once, in any case and with or without the dash', async () => {
    const user = await enrolled();
    const [first, second] = user.recovery_codes as [string, string];
    expect((await login(user.username, { mfa_code: first.toUpperCase() })).statusCode).toBe(200);
    const reused = await login(user.username, { mfa_code: first });
    expect(reused.json()).toMatchObject({ code: 'MFA_INVALID' });
    expect((await login(user.username, { mfa_code: second.replace('-', '') })).statusCode).toBe(200);
  });

  it('disables with password and code; wrong password names the field, wrong code is MFA_INVALID', async () => {
    const user = await enrolled();
    const disable = (payload: Record<string, string>) =>
      t.request({ method: 'POST', url: '/api/v1/auth/mfa/disable', token: user.token, payload });
    const badPassword = await disable({ password: 'nope-nope', code: await codeAt(user.secret, 1) });
    expect(badPassword.statusCode).toBe(400);
    expect(badPassword.json()).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'password' }] });
    const badCode = await disable({ password: 'password123', code: await codeAt(user.secret, 6) });
    expect(badCode.json()).toMatchObject({ code: 'MFA_INVALID' });
    const ok = await disable({ password: 'password123', code: await codeAt(user.secret, 1) });
    expect(ok.statusCode).toBe(204);
    expect((await login(user.username)).statusCode).toBe(200);
  });

  it('counts MFA attempts toward the login rate limit (per IP and username)', async () => {
    const user = await enrolled();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: user.username, password: 'password123', mfa_code: '000000' },
        remoteAddress: '10.9.9.9',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
