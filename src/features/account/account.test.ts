import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { startSmtpInbox, type SmtpInbox } from '../../../test/helpers/smtp-inbox.js';

const SMTP = { user: 'apice', pass: 'Account-Sm7p-Secret' };
const PUBLIC_URL = 'https://chat.example.test';

describe('password reset, email verification and password change (real SMTP)', () => {
  let inbox: SmtpInbox;
  let t: TestApp;
  beforeAll(async () => {
    inbox = await startSmtpInbox(SMTP);
    t = await createTestApp({ SMTP_URL: inbox.url, PUBLIC_URL });
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  /** A user with an email address, logged in: its id, address and token pair. */
  async function userWithEmail() {
    const username = `u_${randomBytes(4).toString('hex')}`;
    const email = `${username}@example.test`;
    const created = await t.request({
      method: 'POST',
      url: '/api/v1/users',
      token: await t.adminToken(),
      payload: { name: 'Ana Reset', username, email, password: 'password123', role: 'agent' },
    });
    expect(created.statusCode).toBe(201);
    const login = await t.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: 'password123' },
    });
    const pair = login.json<{ access_token: string; refresh_token: string }>();
    // Creating a user with an address mails its verification link; later mails come after it.
    const verifyToken = await linkToken(email, '/verify-email');
    return { id: created.json<{ id: string }>().id, username, email, verifyToken, ...pair };
  }

  /** The token of the latest mail to `to` linking to `route`, once it arrived. */
  async function linkToken(to: string, route: string, after = 0) {
    let token = '';
    await vi.waitFor(
      () => {
        const mail = inbox.mails.slice(after).findLast((m) => m.envelope.to.includes(to));
        const match = mail?.text?.match(new RegExp(`${PUBLIC_URL}${route}\\?token=([\\w-]+)`));
        expect(match).toBeTruthy();
        token = match![1]!;
      },
      { timeout: 15_000, interval: 50 },
    );
    return token;
  }

  const post = (url: string, payload: object, token?: string) =>
    t.request({ method: 'POST', url: `/api/v1${url}`, payload, ...(token ? { token } : {}) });
  const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/users/me', token });

  it('mails a one-hour reset link; the new password works, the old does not, every session ends', async () => {
    const u = await userWithEmail();
    const asked = await post('/auth/forgot-password', { email: u.email.toUpperCase() });
    expect(asked.statusCode).toBe(202);
    const token = await linkToken(u.email, '/reset-password');
    const mail = inbox.mails.findLast((m) => m.envelope.to.includes(u.email))!;
    expect(mail.headers.subject).toBe('Reset your ApiCeChat password');

    expect((await post('/auth/reset-password', { token, password: 'brand-new-pass' })).statusCode).toBe(204);
    expect((await me(u.access_token)).statusCode).toBe(401);
    expect((await post('/auth/refresh', { refresh_token: u.refresh_token })).statusCode).toBe(401);
    expect((await post('/auth/login', { username: u.username, password: 'password123' })).statusCode).toBe(
      401,
    );
    const fresh = await post('/auth/login', { username: u.username, password: 'brand-new-pass' });
    expect(fresh.statusCode).toBe(200);
    // The mail reached its owner: the address counts as verified.
    expect(fresh.json<{ user: { email_verified: boolean } }>().user.email_verified).toBe(true);

    const again = await post('/auth/reset-password', { token, password: 'another-pass-1' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('answers 202 for an unknown address and sends nothing', async () => {
    const before = inbox.mails.length;
    const res = await post('/auth/forgot-password', { email: 'nobody-here@example.test' });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    // A known address sent at the same time arrives; the unknown one never does.
    const u = await userWithEmail();
    await post('/auth/forgot-password', { email: u.email });
    await linkToken(u.email, '/reset-password', before);
    expect(inbox.mails.slice(before).some((m) => m.envelope.to.includes('nobody-here@example.test'))).toBe(
      false,
    );
  });

  it('refuses unknown, superseded and expired reset tokens with TOKEN_INVALID, changing nothing', async () => {
    const u = await userWithEmail();
    const unknown = await post('/auth/reset-password', { token: 'x'.repeat(43), password: 'whatever-pass' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'TOKEN_INVALID' });

    const before = inbox.mails.length;
    await post('/auth/forgot-password', { email: u.email });
    const first = await linkToken(u.email, '/reset-password', before);
    const mid = inbox.mails.length;
    await post('/auth/forgot-password', { email: u.email });
    const second = await linkToken(u.email, '/reset-password', mid);
    expect(second).not.toBe(first);
    // Only the latest mail works.
    expect((await post('/auth/reset-password', { token: first, password: 'first-pass-1' })).statusCode).toBe(
      400,
    );

    vi.useFakeTimers({ now: Date.now() + 61 * 60 * 1000, toFake: ['Date'] });
    try {
      const late = await post('/auth/reset-password', { token: second, password: 'late-pass-12' });
      expect(late.statusCode).toBe(400);
      expect(late.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    } finally {
      vi.useRealTimers();
    }
    expect((await me(u.access_token)).statusCode).toBe(200);
    expect((await post('/auth/login', { username: u.username, password: 'password123' })).statusCode).toBe(
      200,
    );
  });

  it('verifies an address with the mailed link, and resend mails a new one', async () => {
    const u = await userWithEmail();
    expect((await me(u.access_token)).json()).toMatchObject({ email_verified: false });
    const before = inbox.mails.length;
    expect((await post('/auth/verify-email/resend', {}, u.access_token)).statusCode).toBe(202);
    const token = await linkToken(u.email, '/verify-email', before);
    expect((await post('/auth/verify-email', { token })).statusCode).toBe(204);
    expect((await me(u.access_token)).json()).toMatchObject({ email_verified: true });
    const reused = await post('/auth/verify-email', { token });
    expect(reused.json()).toMatchObject({ status: 400, code: 'TOKEN_INVALID' });
    const unknown = await post('/auth/verify-email', { token: 'u'.repeat(43) });
    expect(unknown.json()).toMatchObject({ status: 400, code: 'TOKEN_INVALID' });
  });

  it('refuses a verification link after its 48 hours', async () => {
    const u = await userWithEmail();
    vi.useFakeTimers({ now: Date.now() + 49 * 60 * 60 * 1000, toFake: ['Date'] });
    try {
      const late = await post('/auth/verify-email', { token: u.verifyToken });
      expect(late.json()).toMatchObject({ status: 400, code: 'TOKEN_INVALID' });
    } finally {
      vi.useRealTimers();
    }
    expect((await post('/auth/verify-email', { token: u.verifyToken })).statusCode).toBe(204);
  });

  it('changes the own password: wrong current is a 400 naming it; other sessions end, this one stays', async () => {
    const u = await userWithEmail();
    const other = (await post('/auth/login', { username: u.username, password: 'password123' })).json<{
      access_token: string;
    }>();
    const wrong = await post(
      '/users/me/password',
      { current_password: 'not-it', new_password: 'changed-pass-1' },
      u.access_token,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'VALIDATION_ERROR', errors: [{ field: 'current_password' }] });
    expect((await me(other.access_token)).statusCode).toBe(200);

    const ok = await post(
      '/users/me/password',
      { current_password: 'password123', new_password: 'changed-pass-1' },
      u.access_token,
    );
    expect(ok.statusCode).toBe(204);
    expect((await me(u.access_token)).statusCode).toBe(200);
    expect((await post('/auth/refresh', { refresh_token: u.refresh_token })).statusCode).toBe(200);
    expect((await me(other.access_token)).statusCode).toBe(401);
    expect((await post('/auth/login', { username: u.username, password: 'changed-pass-1' })).statusCode).toBe(
      200,
    );
  });

  it('mails a verification link at registration and after an email change; a link for the old address dies', async () => {
    const email = `reg_${randomBytes(4).toString('hex')}@example.test`;
    const before = inbox.mails.length;
    const reg = await post('/auth/register', {
      tenant_name: 'Verify Co',
      name: 'Reg',
      email,
      password: 'password123',
    });
    expect(reg.statusCode).toBe(201);
    const { access_token: token } = reg.json<{ access_token: string }>();
    const oldLink = await linkToken(email, '/verify-email', before);

    const renamed = `new_${email}`;
    const mid = inbox.mails.length;
    const patched = await t.request({
      method: 'PATCH',
      url: '/api/v1/users/me',
      token,
      payload: { email: renamed },
    });
    expect(patched.json()).toMatchObject({ email: renamed, email_verified: false });
    const newLink = await linkToken(renamed, '/verify-email', mid);
    expect((await post('/auth/verify-email', { token: oldLink })).json()).toMatchObject({
      code: 'TOKEN_INVALID',
    });
    expect((await post('/auth/verify-email', { token: newLink })).statusCode).toBe(204);

    // Saving the same address again (another case) keeps it verified and mails nothing.
    const after = inbox.mails.length;
    const same = await t.request({
      method: 'PATCH',
      url: '/api/v1/users/me',
      token,
      payload: { email: renamed.toUpperCase() },
    });
    expect(same.json()).toMatchObject({ email_verified: true });
    const admin = await t.adminToken();
    const user = await userWithEmail();
    const changed = await t.request({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      token: admin,
      payload: { email: `changed_${user.email}` },
    });
    expect(changed.json()).toMatchObject({ email_verified: false });
    await linkToken(`changed_${user.email}`, '/verify-email', after);
    expect(inbox.mails.slice(after).some((m) => m.envelope.to.includes(renamed.toUpperCase()))).toBe(false);
  });
});
