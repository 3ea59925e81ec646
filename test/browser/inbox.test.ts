import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { listItem, newPhone, snapshot, startHarness, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)('web inbox: conversations (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  const thread = (page: Page) => page.getByRole('log', { name: 'Messages' });

  it('lists a conversation with its last message', async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Where is my parcel?' } }, 'Ada Lovelace');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    const item = listItem(page, 'Ada Lovelace');
    await item.waitFor();
    expect(await item.textContent()).toContain('Where is my parcel?');
    expect(await item.getByLabel('1 unread').count()).toBe(1);
    await snapshot(page, 'conversation-list');
    await page.context().close();
  });

  it('shows new conversations and messages live, without a reload', async () => {
    const page = await h.loggedIn();
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Hello, anyone there?' } }, 'Grace Hopper');
    const item = listItem(page, 'Grace Hopper');
    await item.waitFor({ timeout: 15_000 });
    await h.customerSays(phone, { type: 'text', text: { body: 'Second question' } }, 'Grace Hopper');
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Second question');
    expect(await item.getByLabel('2 unread').count()).toBe(1);
    // The newest activity is on top.
    expect(await page.locator('.conversation-item').first().textContent()).toContain('Grace Hopper');
    await page.context().close();
  });

  it('clears the unread badge when the conversation is opened', async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Unread one' } }, 'Alan Turing');
    const conversation = await h.conversationWith(phone);
    const page = await h.loggedIn();
    const item = listItem(page, 'Alan Turing');
    await item.getByLabel('1 unread').waitFor();
    await item.click();
    await item.getByLabel('1 unread').waitFor({ state: 'detached' });
    const after = await h.t.request({
      method: 'GET',
      url: `/api/v1/conversations/${conversation.id}`,
      token: h.adminToken,
    });
    expect(after.json<{ unread_count: number }>().unread_count).toBe(0);
    await page.context().close();
  });

  it('sends a reply with Enter; it appears with delivery ticks that move to read', async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Can you help?' } }, 'Edsger Dijkstra');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Edsger Dijkstra').click();
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('Of course! One moment.');
    await box.press('Enter');
    const sent = thread(page).locator('article.bubble.out', { hasText: 'Of course! One moment.' });
    await sent.waitFor();
    const ticks = sent.locator('.ticks');
    expect(await ticks.getAttribute('data-status')).toMatch(/pending|sent|delivered|read/);
    await expect.poll(() => ticks.getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
    expect(await box.inputValue()).toBe('');
    await snapshot(page, 'conversation');
    await page.context().close();
  });

  it('keeps private notes apart: styled as notes, never sent to WhatsApp', async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Hi' } }, 'Barbara Liskov');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Barbara Liskov').click();
    await page.getByRole('button', { name: 'Note', exact: true }).click();
    const box = page.getByLabel('Private note');
    await box.fill('VIP customer, be extra kind');
    await box.press('Enter');
    const note = thread(page).getByRole('article', { name: 'Private note' });
    await note.waitFor();
    expect(await note.textContent()).toContain('only your team sees this');
    expect(await note.getAttribute('class')).toContain('note');
    expect(await note.locator('.ticks').count()).toBe(0);
    await page.context().close();
  });

  it('renders every kind of customer message, user text always as text', async () => {
    const phone = newPhone();
    const first = await h.customerSays(
      phone,
      {
        type: 'text',
        text: { body: 'Look <img src=x onerror="window.hacked=1"> at https://example.com/a?b=1.' },
      },
      'Ken Thompson',
    );
    await h.customerSays(phone, {
      type: 'location',
      location: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee', address: '101 Forest Ave' },
    });
    await h.customerSays(phone, {
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'John Doe', first_name: 'John' }, phones: [{ phone: '+1 555 0100' }] },
      ],
    });
    await h.customerSays(phone, {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
    });
    await h.customerSays(phone, { type: 'button', button: { payload: 'stop', text: 'Stop promotions' } });
    await h.customerSays(phone, { type: 'image', image: { caption: 'the damaged box' } });
    await h.customerSays(phone, { type: 'reaction', reaction: { message_id: first, emoji: '👍' } });
    await h.customerSays(phone, { type: 'text', text: { body: 'last one' }, context: { id: first } });
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Ken Thompson').click();
    const log = thread(page);
    await log.getByText('last one').waitFor();

    const link = log.getByRole('link', { name: 'https://example.com/a?b=1' });
    expect(await link.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await log.locator('article').first().textContent()).toContain(
      '<img src=x onerror="window.hacked=1">',
    );
    expect(await log.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate('window.hacked')).toBeUndefined();

    const place = log.getByRole('link', { name: 'Philz Coffee — 101 Forest Ave' });
    expect(await place.getAttribute('href')).toContain('mlat=37.44');
    expect(await log.locator('.contact-card').textContent()).toContain('John Doe');
    expect(await log.locator('.contact-card').textContent()).toContain('+1 555 0100');
    await log.getByText('Yes please').waitFor();
    await log.getByText('Stop promotions').waitFor();
    await log.locator('img.image').waitFor({ timeout: 15_000 });
    await log.getByRole('button', { name: /👍 1/ }).waitFor();
    expect(await log.locator('article', { hasText: 'last one' }).locator('.quote').textContent()).toContain(
      'Look <img',
    );
    await snapshot(page, 'message-types');
    await page.context().close();
  });

  it('locks the composer outside the 24-hour window and offers a template instead', async () => {
    const integrations = await h.t.request({
      method: 'GET',
      url: '/api/v1/whatsapp-integration-config',
      token: h.adminToken,
    });
    const integrationId = integrations.json<{ data: { id: string }[] }>().data[0]!.id;
    const contact = await h.t.request({
      method: 'POST',
      url: '/api/v1/contacts',
      token: h.adminToken,
      payload: { name: 'Margaret Hamilton', phone_number: `+${newPhone()}` },
    });
    await h.t.request({
      method: 'POST',
      url: '/api/v1/conversations',
      token: h.adminToken,
      payload: { contact_id: contact.json<{ id: string }>().id, integration_id: integrationId },
    });
    const page = await h.loggedIn();
    await listItem(page, 'Margaret Hamilton').click();
    await page.getByText('The 24-hour window is closed.').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Send a template' }).click();
    await page.getByLabel('Template name').fill('hello_world');
    await page.getByRole('button', { name: 'Send template' }).click();
    await thread(page).locator('article.bubble.out', { hasText: 'hello_world' }).waitFor();
    // A private note is still possible.
    await page.getByRole('button', { name: 'Note', exact: true }).click();
    expect(await page.getByLabel('Private note').isDisabled()).toBe(false);
    await snapshot(page, 'window-closed');
    await page.context().close();
  });

  it('assigns, closes and reopens from the conversation header', async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Please assign me' } }, 'Donald Knuth');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Donald Knuth').click();
    const header = page.locator('.thread-header');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await header.getByText('Assigned to you').waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await header.getByText('Closed').waitFor();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await header.getByText('Active').waitFor();
    await page.getByRole('tab', { name: 'Mine' }).click();
    await listItem(page, 'Donald Knuth').waitFor();
    await page.context().close();
  });

  it('uploads an image and sends it', async () => {
    const sharp = (await import('sharp')).default;
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#36c' } })
      .png()
      .toBuffer();
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Send me a picture' } }, 'Frances Allen');
    await h.conversationWith(phone);
    const page = await h.loggedIn();
    await listItem(page, 'Frances Allen').click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.getByText('ready').waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await thread(page).locator('article.bubble.out img.image').waitFor();
    await page.context().close();
  });

  it('lets an admin play the customer on the built-in simulator', async () => {
    const page = await h.loggedIn();
    await page.getByRole('button', { name: 'Simulated customer…' }).click();
    const panel = page.getByRole('region', { name: 'Simulated customer' });
    await panel.getByLabel('Customer phone').fill(newPhone());
    await panel.getByLabel('Name').fill('Sophie Wilson');
    await panel.getByLabel('Message').fill('Hi from the simulator');
    await panel.getByRole('button', { name: 'Send text' }).click();
    const item = listItem(page, 'Sophie Wilson');
    await item.waitFor({ timeout: 15_000 });
    expect(await item.textContent()).toContain('Hi from the simulator');
    await snapshot(page, 'simulator');
    await page.context().close();
  });

  it("shows another agent's typing live", async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Typing test' } }, 'Radia Perlman');
    await h.conversationWith(phone);
    const supervisor = await h.t.createUser('supervisor');
    const [admin, colleague] = await Promise.all([
      h.loggedIn(),
      h.loggedIn(supervisor.username, 'password123'),
    ]);
    await listItem(admin, 'Radia Perlman').click();
    await listItem(colleague, 'Radia Perlman').click();
    await admin.getByLabel('Message', { exact: true }).pressSequentially('Working on it', { delay: 20 });
    await colleague.getByText('Administrator is typing…').waitFor({ timeout: 10_000 });
    await admin.context().close();
    await colleague.context().close();
  });
});
