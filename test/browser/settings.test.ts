import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { snapshot, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

/** The colour the whole page is painted with (the root element's background). */
const pageBackground = (page: Page) =>
  page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');

describe.skipIf(!chromium)('web: tenant settings and profile (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  const api = async <T>(url: string, token = h.adminToken) =>
    (await h.t.request({ method: 'GET', url, token })).json<T>();

  it('lets an admin change tenant settings, which persist after a reload', async () => {
    const page = await h.loggedIn();
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'Tenant settings' });
    await form.getByLabel('Time zone').selectOption('Europe/Madrid');
    await form.getByRole('switch', { name: 'Assign new conversations automatically' }).check();
    await form.getByLabel('Strategy').selectOption('least_busy');
    await form.getByLabel('Open conversations per agent').fill('4');
    await form.getByRole('group', { name: 'Saturday' }).getByRole('button', { name: 'Remove' }).click();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await snapshot(page, 'admin-settings');

    const saved = await api<{
      timezone: string;
      auto_assignment: { enabled: boolean; strategy: string; max_open_per_agent: number };
      business_hours: { days: Record<string, unknown[]> };
    }>('/api/v1/settings');
    expect(saved.timezone).toBe('Europe/Madrid');
    expect(saved.auto_assignment).toMatchObject({
      enabled: true,
      strategy: 'least_busy',
      max_open_per_agent: 4,
    });
    expect(saved.business_hours.days.sat).toEqual([]);

    await page.reload();
    const again = page.getByRole('form', { name: 'Tenant settings' });
    await expect.poll(() => again.getByLabel('Time zone').inputValue()).toBe('Europe/Madrid');
    expect(await again.getByLabel('Strategy').inputValue()).toBe('least_busy');
    expect(await again.getByLabel('Open conversations per agent').inputValue()).toBe('4');
    expect(
      await again.getByRole('switch', { name: 'Assign new conversations automatically' }).isChecked(),
    ).toBe(true);
    await again.getByRole('group', { name: 'Saturday' }).getByText('Closed').waitFor();
    await page.context().close();
  });

  it('lets a user switch to the dark theme: the whole page changes and stays dark after a reload', async () => {
    const agent = await h.t.createUser('agent');
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    const light = await pageBackground(page);
    await page.getByRole('button', { name: 'Profile' }).click();
    const preferences = page.getByRole('region', { name: 'Preferences' });
    await preferences.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => pageBackground(page)).not.toBe(light);
    const dark = await pageBackground(page);
    await expect
      .poll(async () => (await api<{ theme: string }>('/api/v1/users/me/settings', agent.token)).theme)
      .toBe('dark');
    await snapshot(page, 'profile-dark');

    // The inbox, after a reload, in the saved theme.
    await page.goto(h.t.url);
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(await pageBackground(page)).toBe(dark);
    // A browser that never saw this user's choice (a fresh context) gets it from the server.
    const elsewhere = await h.loggedIn(agent.username, USER_PASSWORD);
    await expect.poll(() => pageBackground(elsewhere)).toBe(dark);
    await elsewhere.context().close();
    await page.context().close();
  });

  it('saves the profile and notification switches', async () => {
    const agent = await h.t.createUser('agent');
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    await page.getByRole('button', { name: 'Profile' }).click();
    const profile = page.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('Name').fill('Agent Carter');
    await profile.getByLabel('Phone number').fill('+34 612 34 56 78');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await expect.poll(() => profile.getByLabel('Phone number').inputValue()).toBe('+34612345678');
    const sound = page.getByRole('region', { name: 'Preferences' }).getByRole('switch', { name: 'Sound' });
    await sound.uncheck();
    await expect
      .poll(
        async () =>
          (await api<{ notifications: { sound: boolean } }>('/api/v1/users/me/settings', agent.token))
            .notifications.sound,
      )
      .toBe(false);
    expect(await api<{ name: string; phone_number: string }>('/api/v1/users/me', agent.token)).toMatchObject({
      name: 'Agent Carter',
      phone_number: '+34612345678',
    });
    await page.reload();
    await expect
      .poll(() => page.getByRole('form', { name: 'Profile' }).getByLabel('Name').inputValue())
      .toBe('Agent Carter');
    expect(
      await page
        .getByRole('region', { name: 'Preferences' })
        .getByRole('switch', { name: 'Sound' })
        .isChecked(),
    ).toBe(false);
    await page.context().close();
  });
});
