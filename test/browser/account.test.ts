import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSmtpInbox, type SmtpInbox } from '../helpers/smtp-inbox.js';
import { chromiumOrSkip } from './chromium.js';
import { snapshot, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();
const SMTP = { user: 'apice', pass: 'Browser-Sm7p-Secret' };

describe.skipIf(!chromium)('web: forgotten password and two-factor sign-in (Chromium)', () => {
  let h: Harness;
  let inbox: SmtpInbox;
  beforeAll(async () => {
    inbox = await startSmtpInbox(SMTP);
    h = await startHarness(chromium!, { SMTP_URL: inbox.url });
  });
  afterAll(async () => {
    await h?.close();
    await inbox?.close();
  });

  /** An agent with an email address; its verification mail has arrived. */
  async function agentWithEmail() {
    const username = `agent_${randomBytes(4).toString('hex')}`;
    const email = `${username}@example.test`;
    const res = await h.t.request({
      method: 'POST',
      url: '/api/v1/users',
      token: h.adminToken,
      payload: { name: 'Agent Mail', username, email, password: USER_PASSWORD, role: 'agent' },
    });
    expect(res.statusCode).toBe(201);
    await mailLink(email, '/verify-email');
    return { username, email };
  }

  /** The link of the latest mail to `to` that points at `route`. */
  async function mailLink(to: string, route: string, after = 0): Promise<string> {
    let link = '';
    await vi.waitFor(
      () => {
        const mail = inbox.mails.slice(after).findLast((m) => m.envelope.to.includes(to));
        const match = mail?.text?.match(new RegExp(`${h.t.url}${route}\\?token=[\\w-]+`));
        expect(match).toBeTruthy();
        link = match![0];
      },
      { timeout: 15_000, interval: 100 },
    );
    return link;
  }

  it('resets a forgotten password from the login page with the mailed link', async () => {
    const agent = await agentWithEmail();
    const page = await (await h.browser.newContext()).newPage();
    await page.goto(h.t.url);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    const before = inbox.mails.length;
    await page.getByLabel('Email').fill(agent.email);
    await page.getByRole('button', { name: 'Mail me a link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('a mail with a link');

    await page.goto(await mailLink(agent.email, '/reset-password', before));
    await page.getByLabel('New password', { exact: true }).fill('a-brand-new-pass');
    await page.getByLabel('Repeat the new password').fill('a-brand-new-pass');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your new password is set');
    await snapshot(page, 'password-reset');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Username or email').fill(agent.username);
    await page.getByLabel('Password').fill('a-brand-new-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();

    // The link worked once.
    await page.goto(await mailLink(agent.email, '/reset-password', before));
    await page.getByLabel('New password', { exact: true }).fill('yet-another-pass');
    await page.getByLabel('Repeat the new password').fill('yet-another-pass');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('already used');
    await page.context().close();
  });

  it('verifies the email address from the mailed link', async () => {
    const agent = await agentWithEmail();
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    await page.goto(`${h.t.url}/profile`);
    await page.getByText('Email not verified yet').waitFor();
    const before = inbox.mails.length;
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.goto(await mailLink(agent.email, '/verify-email', before));
    await expect.poll(() => page.getByRole('status').textContent()).toContain('verified');
    await page.context().close();
  });

  it('enrols two-factor authentication on the profile page, then signs in with a code', async () => {
    const agent = await agentWithEmail();
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    await page.goto(`${h.t.url}/profile`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: 'QR code to scan with an authenticator app' }).waitFor();
    const secret = (await page.getByLabel('Secret key').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => codes.count()).toBe(10);
    await snapshot(page, 'mfa-recovery-codes');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).waitFor();
    await page.context().close();

    const next = await (await h.browser.newContext()).newPage();
    await next.goto(h.t.url);
    await next.getByLabel('Username or email').fill(agent.username);
    await next.getByLabel('Password').fill(USER_PASSWORD);
    await next.getByRole('button', { name: 'Sign in' }).click();
    // The code of the next 30 s step: the one used to turn MFA on may not be replayed.
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await next.getByLabel('Authentication code').fill(code);
    await next.getByRole('button', { name: 'Sign in' }).click();
    await next.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await next.context().close();
  });

  it('lists the sessions on the profile page and signs another device out at once', async () => {
    const agent = await agentWithEmail();
    const other = await h.loggedIn(agent.username, USER_PASSWORD);
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    await page.goto(`${h.t.url}/profile`);
    const rows = page.getByRole('region', { name: 'Sessions' }).getByRole('listitem');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByText('this device').count()).toBe(1);
    await snapshot(page, 'profile-sessions');
    await page.getByRole('button', { name: 'Sign out Chrome on Linux' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    // The other device's socket is dropped and its tokens refused: it lands on the login page.
    await other.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    await other.context().close();
    await page.context().close();
  }, 60_000);
});

describe.skipIf(!chromium)('web: a role that must use two-factor (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!, { MFA_REQUIRED_ROLES: 'supervisor' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows only the enrolment after login, then the inbox once two-factor is on', async () => {
    const supervisor = await h.t.createUser('supervisor');
    const context = await h.browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(h.t.url);
    await page.getByLabel('Username or email').fill(supervisor.username);
    await page.getByLabel('Password').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Conversations' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByLabel('Secret key').textContent())!.trim();
    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await context.close();
  }, 60_000);
});
