import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import {
  ADMIN,
  snapshot,
  startHarness,
  storedSession,
  storeTokens,
  USER_PASSWORD,
  type Harness,
} from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)('web inbox: signing in and out (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the inbox at / and for client-side paths, but never for unknown API paths', async () => {
    const home = await fetch(h.t.url, { headers: { accept: 'text/html' } });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    const deep = await fetch(`${h.t.url}/conversations/0193a1b2-0000-7000-8000-000000000000`, {
      headers: { accept: 'text/html' },
    });
    expect(deep.status).toBe(200);
    const api = await fetch(`${h.t.url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it('says so in plain words when the password is wrong, and stays on the login page', async () => {
    const page = await (await h.browser.newContext()).newPage();
    await page.goto(h.t.url);
    await page.getByLabel('Username or email').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invalid username or password');
    expect(await page.getByLabel('Authentication code').count()).toBe(0);
    await snapshot(page, 'login-error');
    await page.context().close();
  });

  it('logs in to the inbox, with the All tab for a user who reads every conversation', async () => {
    const page = await h.loggedIn();
    const tabs = await page.getByRole('tab').allTextContents();
    expect(tabs).toEqual(['Mine', 'Unassigned', 'All']);
    expect(await page.locator('.sidebar-header').textContent()).toContain('Administrator');
    await page.context().close();
  });

  it('shows an agent Mine and Unassigned only', async () => {
    const agent = await h.t.createUser('agent');
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Mine', 'Unassigned']);
    await page.context().close();
  });

  it('refreshes an expired access token without the user noticing', { timeout: 60_000 }, async () => {
    const page = await h.loggedIn();
    const before = await storedSession(page);
    // Back the next morning: the access token is long dead, the refresh token still good.
    await storeTokens(page, { access_token: 'expired' });
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await expect
      // Generous: in CI the services suite shares the machine with every other test file.
      .poll(async () => (await storedSession(page)).refresh_token, { timeout: 30_000 })
      .not.toBe(before.refresh_token);
    expect((await storedSession(page)).access_token).not.toBe('expired');
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    await page.context().close();
  });

  it("never writes a tab's old tokens over the ones stored since (another tab rotated them)", async () => {
    const page = await h.loggedIn();
    await page.goto(`${h.t.url}/profile`);
    // Another tab rotated the pair: this tab has not read the new one yet.
    await storeTokens(page, { access_token: 'rotated-elsewhere', refresh_token: 'rotated-refresh' });
    await page.getByRole('form', { name: 'Profile' }).getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('form', { name: 'Profile' }).getByRole('status').waitFor();
    expect(await storedSession(page)).toMatchObject({
      access_token: 'rotated-elsewhere',
      refresh_token: 'rotated-refresh',
    });
    await page.context().close();
  });

  it('logs out when the session cannot be refreshed any more', async () => {
    const page = await h.loggedIn();
    await storeTokens(page, { access_token: 'expired', refresh_token: 'revoked-refresh-token' });
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('goes to the login page at once when an admin changes the password, with no click', async () => {
    const agent = await h.t.createUser('agent');
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    const admin = await h.t.adminToken();
    const user = () => h.t.request({ method: 'GET', url: `/api/v1/users/${agent.id}`, token: admin });
    // Online = its socket is connected: the drop of that socket is what must bring the login page.
    await expect.poll(async () => (await user()).json<{ online: boolean }>().online).toBe(true);
    const res = await h.t.request({
      method: 'PATCH',
      url: `/api/v1/users/${agent.id}`,
      token: admin,
      payload: { password: 'a-new-password' },
    });
    expect(res.statusCode).toBe(200);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('logs out: back to the login page, and the old tokens no longer work', async () => {
    const page = await h.loggedIn(ADMIN.username, ADMIN.password);
    const session = await storedSession(page);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const refresh = await h.t.request({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refresh_token: session.refresh_token },
    });
    expect(refresh.statusCode).toBe(401);
    await page.context().close();
  });
});

describe.skipIf(!chromium)('web inbox: access tokens that expire while the page is open (Chromium)', () => {
  const TTL_SECONDS = 6;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!, { JWT_ACCESS_TTL: String(TTL_SECONDS) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reconnects the socket with a fresh token when the server drops it at expiry', async () => {
    const page = await h.loggedIn();
    const first = (await storedSession(page)).access_token;
    const { exp } = JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()) as { exp: number };
    const dot = page.locator('.sidebar-header .presence-dot');
    await expect.poll(() => dot.getAttribute('class')).toBe('presence-dot online');
    // Past the expiry the server has dropped the socket; the page is back on a new token.
    await sleep(exp * 1000 + 1_500 - Date.now());
    await expect.poll(() => dot.getAttribute('class'), { timeout: 3_000 }).toBe('presence-dot online');
    expect((await storedSession(page)).access_token).not.toBe(first);
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    await page.context().close();
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));
