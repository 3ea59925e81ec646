import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { snapshot, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)('web inbox: admin pages (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  const row = (page: Page, text: string) => page.locator('.crud tbody tr', { hasText: text });
  const apiGet = async <T>(url: string) =>
    (await h.t.request({ method: 'GET', url, token: h.adminToken })).json<{ data: T[] }>().data;

  async function openAdmin(name: string) {
    const page = await h.loggedIn();
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name }).click();
    return page;
  }

  it('offers no admin pages to an agent', async () => {
    const agent = await h.t.createUser('agent');
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    expect(await page.getByRole('button', { name: 'Admin' }).count()).toBe(0);
    await page.goto(`${h.t.url}/admin/users`);
    await page.getByText('You have no admin permissions.').waitFor();
    await page.context().close();
  });

  it('serves the admin pages on a reload (deep link)', async () => {
    const res = await fetch(`${h.t.url}/admin/tags`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('creates a user with a role, changes the role, and deletes the user', async () => {
    const page = await openAdmin('Users');
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await form.getByLabel('Username').fill('grace');
    await form.getByLabel('Password').fill('cobol-1959');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByRole('button', { name: 'Create user' }).click();
    await row(page, 'grace').waitFor();
    await snapshot(page, 'admin-users');

    await page.getByLabel('Role of grace').selectOption('supervisor');
    await expect
      .poll(
        async () =>
          (await apiGet<{ username: string; role: string }>('/api/v1/users')).find(
            (u) => u.username === 'grace',
          )?.role,
      )
      .toBe('supervisor');

    await row(page, 'grace').getByRole('button', { name: 'Delete grace' }).click();
    await row(page, 'grace').getByRole('button', { name: 'Confirm delete of grace' }).click();
    await expect.poll(() => row(page, 'grace').count()).toBe(0);
    await page.context().close();
  });

  it("edits a user's name, email, phone and password (signing them out), and deactivates them", async () => {
    const agent = await h.t.createUser('agent');
    const theirs = await h.loggedIn(agent.username, USER_PASSWORD);
    const page = await openAdmin('Users');
    await row(page, agent.username).getByText('Edit').click();
    const form = page.getByRole('form', { name: `Edit ${agent.username}` });
    await form.getByLabel('Name').fill('Ada Lovelace');
    await form.getByLabel('Email').fill(`${agent.username}@example.test`);
    await form.getByLabel('Phone number').fill('+34 612 34 56 78');
    await form.getByLabel('New password (signs them out)').fill('analytical-1843');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').waitFor();
    const saved = (
      await apiGet<{ id: string; name: string; email: string; phone_number: string }>('/api/v1/users')
    ).find((u) => u.id === agent.id);
    expect(saved).toMatchObject({
      name: 'Ada Lovelace',
      email: `${agent.username}@example.test`,
      phone_number: '+34612345678',
    });
    // Their open page is signed out; the new password works.
    await theirs.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    await theirs.context().close();
    await (await h.loggedIn(agent.username, 'analytical-1843')).context().close();

    // Deactivated: listed as such, and the login page says why it refuses.
    await row(page, agent.username)
      .getByRole('button', { name: `Deactivate ${agent.username}` })
      .click();
    await row(page, agent.username).getByText('deactivated').waitFor();
    const refused = await (await h.browser.newContext()).newPage();
    await refused.goto(h.t.url);
    await refused.getByLabel('Username or email').fill(agent.username);
    await refused.getByLabel('Password').fill('analytical-1843');
    await refused.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => refused.getByRole('alert').textContent()).toContain('deactivated');
    await refused.context().close();
    await row(page, agent.username)
      .getByRole('button', { name: `Reactivate ${agent.username}` })
      .click();
    await row(page, agent.username)
      .getByRole('button', { name: `Deactivate ${agent.username}` })
      .waitFor();
    await page.context().close();
  }, 90_000);

  it('lists the roles', async () => {
    const page = await openAdmin('Roles');
    for (const name of ['admin', 'supervisor', 'agent']) await row(page, name).first().waitFor();
    await page.context().close();
  });

  it('connects a WhatsApp number with write-only secrets and shows its health', async () => {
    const page = await openAdmin('WhatsApp');
    const form = page.getByRole('form', { name: 'New integration' });
    await form.getByLabel('Name', { exact: true }).fill('Support line');
    await form.getByLabel('Phone number ID').fill('987654321000');
    const token = form.getByLabel('Access token');
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill('EAAG-secret-token');
    await form.getByLabel('App secret').fill('app-secret-value');
    await form.getByRole('button', { name: 'Create integration' }).click();
    const created = row(page, 'Support line');
    await created.getByText('OK').waitFor();
    // Sent once, never shown back: the form is emptied and the page holds no secret.
    expect(await token.inputValue()).toBe('');
    expect(await page.content()).not.toContain('EAAG-secret-token');
    await snapshot(page, 'admin-integrations');
    await page.context().close();
  });

  it('creates a coloured tag and deletes it', async () => {
    const page = await openAdmin('Tags');
    const form = page.getByRole('form', { name: 'New tag' });
    await form.getByLabel('Name', { exact: true }).fill('VIP');
    await form.getByLabel('Colour').fill('#ff8800');
    await form.getByRole('button', { name: 'Create tag' }).click();
    await row(page, 'VIP').getByText('#ff8800').waitFor();
    expect(
      (await apiGet<{ name: string; color: string }>('/api/v1/tags')).find((t) => t.name === 'VIP')?.color,
    ).toBe('#ff8800');
    await row(page, 'VIP').getByRole('button', { name: 'Delete VIP' }).click();
    await row(page, 'VIP').getByRole('button', { name: 'Confirm delete of VIP' }).click();
    await expect.poll(() => row(page, 'VIP').count()).toBe(0);
    await page.context().close();
  });

  it('creates a bot and deletes it', async () => {
    const page = await openAdmin('Bots');
    const form = page.getByRole('form', { name: 'New bot' });
    await form.getByLabel('Name', { exact: true }).fill('Night shift');
    await form.getByLabel('Kind').selectOption('rules');
    await form.getByRole('button', { name: 'Create bot' }).click();
    await row(page, 'Night shift').waitFor();
    await row(page, 'Night shift').getByRole('button', { name: 'Delete Night shift' }).click();
    await row(page, 'Night shift').getByRole('button', { name: 'Confirm delete of Night shift' }).click();
    await expect.poll(() => row(page, 'Night shift').count()).toBe(0);
    await page.context().close();
  });

  it('writes a screenshot of a screen when SCREENSHOT_DIR is set (CI keeps them as artifacts)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'screens-'));
    const before = process.env.SCREENSHOT_DIR;
    process.env.SCREENSHOT_DIR = path.join(dir, 'nested');
    try {
      const page = await openAdmin('Roles');
      await snapshot(page, 'admin-roles');
      expect(existsSync(path.join(dir, 'nested', 'admin-roles.png'))).toBe(true);
      await page.context().close();
    } finally {
      if (before === undefined) delete process.env.SCREENSHOT_DIR;
      else process.env.SCREENSHOT_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
