import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { listItem, newPhone, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)('web inbox: working in a conversation (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  const thread = (page: Page) => page.getByRole('log', { name: 'Messages' });
  const api = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) => {
    const res = await h.t.request({ method, url, token: h.adminToken, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>();
  };
  /** A customer who wrote in, and their conversation open in a logged-in page. */
  async function openConversationWith(name: string, text = 'Hello') {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: text } }, name);
    const conversation = await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, name).click();
    await thread(page).getByText(text).waitFor();
    return { page, phone, conversation };
  }

  it("shows an agent the unassigned conversations, not a colleague's", async () => {
    const [mine, colleague] = [await h.t.createUser('agent'), await h.t.createUser('agent')];
    const [taken, open] = [newPhone(), newPhone()];
    await h.customerSays(taken, { type: 'text', text: { body: 'Taken' } }, 'Taken Customer');
    await h.customerSays(open, { type: 'text', text: { body: 'Waiting' } }, 'Waiting Customer');
    const takenConversation = await h.conversationWith(taken);
    await h.conversationWith(open);
    await api('PATCH', `/api/v1/conversations/${takenConversation.id}/assign`, { user_id: colleague.id });

    const page = await h.loggedIn(mine.username, USER_PASSWORD);
    await page.getByRole('tab', { name: 'Unassigned' }).click();
    await listItem(page, 'Waiting Customer').waitFor();
    expect(await listItem(page, 'Taken Customer').count()).toBe(0);
    await page.getByRole('tab', { name: 'Mine' }).click();
    await page.getByText('No conversations here.').waitFor();
    await page.context().close();
  });

  it('replies to a message with a quote and reacts to it', async () => {
    const { page } = await openConversationWith('Linus Torvalds', 'Is it in stock?');
    const question = thread(page).locator('article.in', { hasText: 'Is it in stock?' });
    await question.hover();
    await question.getByRole('button', { name: 'Reply to this message' }).click();
    await page.getByText('Replying to Linus Torvalds').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Yes, 3 left');
    await page.keyboard.press('Enter');
    const answer = thread(page).locator('article.out', { hasText: 'Yes, 3 left' });
    expect(await answer.locator('.quote').textContent()).toContain('Is it in stock?');

    await question.hover();
    await question.getByRole('button', { name: 'React to this message' }).click();
    await question.getByRole('menuitem', { name: 'React with ❤️' }).click();
    await question.getByRole('button', { name: /❤️ 1, yours/ }).waitFor();
    await page.context().close();
  });

  it('shows a failed delivery with the reason on hover', async () => {
    const phone = newPhone();
    await api('PUT', '/simulator/recipients', {
      phone_number_id: h.number.phone_number_id,
      wa_id: phone,
      fail_with_code: 131026,
    });
    await h.customerSays(phone, { type: 'text', text: { body: 'Ping' } }, 'Ada Yonath');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Ada Yonath').click();
    await page.getByLabel('Message', { exact: true }).fill('This will not arrive');
    await page.keyboard.press('Enter');
    const ticks = thread(page).locator('article.out', { hasText: 'This will not arrive' }).locator('.ticks');
    await expect.poll(() => ticks.getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    expect(await ticks.getAttribute('title')).toMatch(/^Not delivered: .*\(code 131026\)$/);
    await page.context().close();
  });

  it('transfers a conversation to another agent with a note, shown in the activity trail', async () => {
    const agent = await h.t.createUser('agent');
    const { page } = await openConversationWith('Katherine Johnson');
    await page.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByLabel('To').selectOption({ label: `${agent.username} (offline)` });
    await dialog.getByLabel('Note for them (optional)').fill('Needs a billing expert');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await page.locator('.thread-header').getByText(`Assigned to ${agent.username}`).waitFor();
    await page.getByText(`transferred it to ${agent.username}: “Needs a billing expert”`).waitFor();
    await page.context().close();
  });

  it('adds and removes a tag in the contact panel', async () => {
    await api('POST', '/api/v1/tags', { name: 'VIP', color: '#e4b93c' });
    const { page } = await openConversationWith('Hedy Lamarr');
    const panel = page.getByRole('complementary', { name: 'Contact details' });
    await panel.getByLabel('Add a tag').selectOption({ label: 'VIP' });
    await panel.getByRole('list', { name: 'Tags' }).getByText('VIP').waitFor();
    await panel.getByRole('button', { name: 'Remove tag VIP' }).click();
    await panel.getByText('No tags').waitFor();
    await page.context().close();
  });

  it('loads older messages when scrolling up, under a day separator', async () => {
    const { page, conversation } = await openConversationWith('Claude Shannon', 'First words');
    await page.context().close();
    for (let i = 1; i <= 45; i += 1) {
      await api('POST', '/api/v1/messages', {
        conversation_id: conversation.id,
        body: `note ${i}`,
        private: true,
      });
    }
    const again = await h.loggedIn();
    await listItem(again, 'Claude Shannon').click();
    const log = thread(again);
    await log.getByText('note 45').waitFor();
    expect(await log.getByText('First words').count()).toBe(0);
    await log.hover();
    await again.mouse.wheel(0, -20_000);
    await log.getByText('First words').waitFor();
    await log.getByText('Start of the conversation').waitFor();
    expect(await log.getByRole('separator').first().textContent()).toBe('Today');
    await again.context().close();
  });

  it('loads more conversations as the list scrolls, and moves through it with j and k', async () => {
    const integrations = await h.t.request({
      method: 'GET',
      url: '/api/v1/whatsapp-integration-config',
      token: h.adminToken,
    });
    const integrationId = integrations.json<{ data: { id: string }[] }>().data[0]!.id;
    for (let i = 0; i < 32; i += 1) {
      const contact = await api('POST', '/api/v1/contacts', {
        name: `Bulk ${i}`,
        phone_number: `+${newPhone()}`,
      });
      await api('POST', '/api/v1/conversations', { contact_id: contact.id, integration_id: integrationId });
    }
    const page = await h.loggedIn();
    const items = page.locator('.conversation-item');
    await items.first().waitFor();
    expect(await items.count()).toBe(30);
    await page.getByRole('navigation', { name: 'Conversations' }).hover();
    await page.mouse.wheel(0, 20_000);
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBeGreaterThan(30);

    await page.locator('body').press('j');
    const first = items.first();
    expect(await first.getAttribute('aria-current')).toBe('true');
    await page.locator('body').press('j');
    expect(await items.nth(1).getAttribute('aria-current')).toBe('true');
    await page.locator('body').press('k');
    expect(await first.getAttribute('aria-current')).toBe('true');
    await page.context().close();
  });
});
