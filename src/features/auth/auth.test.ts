import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { REFRESH_GRACE_MS } from './auth.service.js';

describe('auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '5' });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (payload: Record<string, unknown>, ip = '10.0.0.1') =>
    t.request({ method: 'POST', url: '/api/v1/auth/login', payload, remoteAddress: ip });
  const me = (token: string) => t.request({ method: 'GET', url: '/api/v1/auth/me', token });

  describe('login', () => {
    it('logs in by username and returns a token pair and the user without its password', async () => {
      const res = await login(ADMIN);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 900,
        user: { username: 'admin', role: 'admin' },
      });
      expect(body.access_token).toEqual(expect.any(String));
      expect(body.refresh_token).toEqual(expect.any(String));
      expect(JSON.stringify(body)).not.toMatch(/password/i);
    });

    it('logs in by email, case-insensitively', async () => {
      const { username } = await t.createUser('agent');
      const email = `${username}@Example.com`;
      const admin = await t.adminToken();
      const users = await t.request({ method: 'GET', url: '/api/v1/users?limit=100', token: admin });
      const id = users.json().data.find((u: { username: string }) => u.username === username).id;
      await t.request({ method: 'PATCH', url: `/api/v1/users/${id}`, token: admin, payload: { email } });
      const res = await login({ email: email.toUpperCase(), password: 'password123' }, '10.0.0.2');
      expect(res.statusCode).toBe(200);
      expect(res.json().user.username).toBe(username);
    });

    it('answers unknown user and wrong password with the same 401', async () => {
      const unknown = await login({ username: 'nobody', password: 'whatever1' }, '10.0.0.3');
      const wrong = await login({ username: 'admin', password: 'wrong-password' }, '10.0.0.3');
      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      const strip = (b: Record<string, unknown>) => ({ ...b, request_id: undefined });
      expect(strip(unknown.json())).toEqual(strip(wrong.json()));
      expect(unknown.json().code).toBe('UNAUTHENTICATED');
    });

    it('rejects a body with neither username nor email with field errors', async () => {
      const res = await login({ password: 'x' }, '10.0.0.4');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
      expect(res.json().errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'username' })]),
      );
    });

    it('rejects unknown body fields', async () => {
      const res = await login({ ...ADMIN, is_admin: true }, '10.0.0.5');
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ field: 'is_admin', message: 'Unknown field' }]);
    });

    it('limits login attempts per IP and username with 429 and Retry-After', async () => {
      const attempt = () => login({ username: 'admin', password: 'bad-password' }, '10.9.9.9');
      for (let i = 0; i < 5; i++) expect((await attempt()).statusCode).toBe(401);
      const limited = await attempt();
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another IP is not affected.
      expect((await login(ADMIN, '10.9.9.10')).statusCode).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('accepts a valid token on /auth/me', async () => {
      const res = await me(await t.adminToken());
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ username: 'admin', role: 'admin' });
    });

    it('answers 401 without a token', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/auth/me' });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    });

    const claims = async () => {
      const token = await t.adminToken();
      return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    };

    it('rejects a token signed with another secret', async () => {
      const forged = await new SignJWT({ ...(await claims()) })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(randomBytes(48).toString('hex')));
      expect((await me(forged)).statusCode).toBe(401);
    });

    it('rejects an expired token', async () => {
      const c = await claims();
      const expired = await new SignJWT({ ...c, exp: Math.floor(Date.now() / 1000) - 10, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(t.config.jwtSecret));
      expect((await me(expired)).statusCode).toBe(401);
    });

    it('rejects an alg:none token', async () => {
      const c = await claims();
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify(c)).toString('base64url');
      expect((await me(`${header}.${payload}.`)).statusCode).toBe(401);
    });

    it('rejects a garbage bearer value', async () => {
      expect((await me('not.a.jwt')).statusCode).toBe(401);
    });
  });

  describe('refresh and logout', () => {
    const refresh = (refresh_token: string) =>
      t.request({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token } });

    it('rotates: the new pair works and the old refresh token is dead', async () => {
      const first = (await login(ADMIN, '10.1.0.1')).json();
      const second = await refresh(first.refresh_token);
      expect(second.statusCode).toBe(200);
      const pair = second.json();
      expect(pair.refresh_token).not.toBe(first.refresh_token);
      expect((await me(pair.access_token)).statusCode).toBe(200);
      expect((await refresh(pair.refresh_token)).statusCode).toBe(200);
    });

    it('revokes the whole chain when a rotated token is re-used after the grace window', async () => {
      const first = (await login(ADMIN, '10.1.0.2')).json();
      const second = (await refresh(first.refresh_token)).json();
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + REFRESH_GRACE_MS + 1_000 });
      try {
        const reuse = await refresh(first.refresh_token);
        expect(reuse.statusCode).toBe(401);
        // The thief's and the owner's newer tokens are dead too.
        expect((await refresh(second.refresh_token)).statusCode).toBe(401);
        expect((await me(second.access_token)).statusCode).toBe(401);
      } finally {
        vi.useRealTimers();
      }
    });

    it("answers a double submit with the same pair, until that pair's refresh token is used", async () => {
      const first = (await login(ADMIN, '10.1.0.2')).json();
      const second = (await refresh(first.refresh_token)).json();
      const again = await refresh(first.refresh_token);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(second);
      const third = (await refresh(second.refresh_token)).json();
      // Still within the grace window, but the pair it was rotated into is no longer the newest.
      expect((await refresh(first.refresh_token)).statusCode).toBe(401);
      expect((await refresh(third.refresh_token)).statusCode).toBe(401);
      expect((await me(third.access_token)).statusCode).toBe(401);
    });

    it('rejects an unknown refresh token', async () => {
      expect((await refresh(randomBytes(32).toString('base64url'))).statusCode).toBe(401);
    });

    it('logout kills the access token at once and its refresh token', async () => {
      const pair = (await login(ADMIN, '10.1.0.3')).json();
      expect((await me(pair.access_token)).statusCode).toBe(200);
      const out = await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: pair.access_token });
      expect(out.statusCode).toBe(204);
      expect((await me(pair.access_token)).statusCode).toBe(401);
      expect((await refresh(pair.refresh_token)).statusCode).toBe(401);
    });

    it('logout leaves other sessions of the same user alive', async () => {
      const a = (await login(ADMIN, '10.1.0.4')).json();
      const b = (await login(ADMIN, '10.1.0.4')).json();
      await t.request({ method: 'POST', url: '/api/v1/auth/logout', token: a.access_token });
      expect((await me(b.access_token)).statusCode).toBe(200);
    });
  });

  describe('register', () => {
    it('creates a tenant and its first admin', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenant_name: 'Acme', name: 'Ann', email: 'ann@acme.test', password: 'correct horse' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.tenant.name).toBe('Acme');
      expect(body.user).toMatchObject({
        username: 'ann@acme.test',
        role: 'admin',
        tenant_id: body.tenant.id,
      });
      const mine = await me(body.access_token);
      expect(mine.json().tenant_id).toBe(body.tenant.id);
    });

    it('answers 409 for an email already in use', async () => {
      const payload = { tenant_name: 'Dup', name: 'D', email: 'dup@acme.test', password: 'correct horse' };
      expect((await t.request({ method: 'POST', url: '/api/v1/auth/register', payload })).statusCode).toBe(
        201,
      );
      const again = await t.request({ method: 'POST', url: '/api/v1/auth/register', payload });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('CONFLICT');
    });
  });
});

describe('auth with sign-up disabled and a tight global limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ALLOW_SIGNUP: 'false', THROTTLE_LIMIT: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses registration', async () => {
    const res = await t.request({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { tenant_name: 'X', name: 'X', email: 'x@x.test', password: 'correct horse' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('SIGNUP_DISABLED');
  });

  it('limits requests per user with 429 and Retry-After', async () => {
    const token = await t.adminToken();
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await t.request({ method: 'GET', url: '/api/v1/auth/me', token })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
  });
});
