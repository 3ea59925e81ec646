import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  connectNumber,
  createListeningApp,
  type ListeningApp,
  type TestNumber,
} from '../helpers/listening-app.js';
import { launchChromium } from './chromium.js';
import { ensureWebBuilt } from './web-build.js';

export const ADMIN = { username: 'admin', password: 'admin123' };
/** What test users get from TestApp.createUser. */
export const USER_PASSWORD = 'password123';

export interface Conversation {
  id: string;
  unread_count: number;
  contact: { id: string; name: string | null; phone_number: string | null };
}

export interface Harness {
  t: ListeningApp;
  browser: Browser;
  adminToken: string;
  number: TestNumber;
  /** A simulated WhatsApp customer writes in (through the simulator's signed webhook); returns the wamid. */
  customerSays(from: string, message: Record<string, unknown>, name?: string): Promise<string>;
  /** The customer's conversation, once the inbound worker has stored it. */
  conversationWith(from: string): Promise<Conversation>;
  /** A fresh browser context (its own storage: another person), logged in through the login page. */
  loggedIn(username?: string, password?: string): Promise<Page>;
  close(): Promise<void>;
}

let phones = 0;
/** A customer phone number of its own for each test, so tests never see each other's conversations. */
// Always 11 digits (+1 and ten): a shorter pid must not make an impossible number.
export const newPhone = () =>
  `1555${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;

export async function startHarness(chromium: string, env: Record<string, string> = {}): Promise<Harness> {
  await ensureWebBuilt();
  const [t, browser] = await Promise.all([
    createListeningApp({ LOGIN_RATE_LIMIT: '1000', ...env }),
    launchChromium(chromium),
  ]);
  const adminToken = await t.adminToken();
  const number = await connectNumber(t);

  async function customerSays(from: string, message: Record<string, unknown>, name = 'Test Customer') {
    const res = await t.request({
      method: 'POST',
      url: '/simulator/customers/messages',
      token: adminToken,
      payload: { phone_number_id: number.phone_number_id, from, name, ...message },
    });
    if (res.statusCode !== 201) throw new Error(`customer message refused: ${res.statusCode} ${res.body}`);
    return res.json<{ message_id: string }>().message_id;
  }

  async function conversationWith(from: string): Promise<Conversation> {
    let found: Conversation | undefined;
    await expect
      .poll(
        async () => {
          const res = await t.request({
            method: 'GET',
            url: `/api/v1/conversations?search=${from}`,
            token: adminToken,
          });
          found = res.json<{ data: Conversation[] }>().data[0];
          return found;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeDefined();
    return found!;
  }

  async function loggedIn(username = ADMIN.username, password = ADMIN.password) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    // Well under the test's own time-out, so a failure names the step that waited in vain.
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(t.url);
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    return page;
  }

  return {
    t,
    browser,
    adminToken,
    number,
    customerSays,
    conversationWith,
    loggedIn,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** With SCREENSHOT_DIR set (CI keeps it as an artifact), a picture of the page as a person sees it. */
export async function snapshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) });
}

export interface StoredSession {
  access_token: string;
  refresh_token: string;
}

const SESSION_KEY = 'apicechat.session';

/** The tokens the page keeps in localStorage (evaluated in the page, where the DOM lives). */
export async function storedSession(page: Page): Promise<StoredSession> {
  const raw = await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(SESSION_KEY)})`);
  if (!raw) throw new Error('no session stored in the page');
  return JSON.parse(raw) as StoredSession;
}

/** Replaces the stored tokens (the page reads them again on reload). */
export async function storeTokens(page: Page, tokens: Partial<StoredSession>): Promise<void> {
  const next = JSON.stringify({ ...(await storedSession(page)), ...tokens });
  await page.evaluate(`localStorage.setItem(${JSON.stringify(SESSION_KEY)}, ${JSON.stringify(next)})`);
}

export const listItem = (page: Page, text: string) => page.locator('.conversation-item', { hasText: text });
