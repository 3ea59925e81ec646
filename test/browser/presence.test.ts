import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { listItem, newPhone, snapshot, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)("web inbox: agents' online dots (Chromium)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("shows the assigned agent's dot, and turns it online live when they log in", async () => {
    const agent = await h.t.createUser('agent');
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Anyone there?' } }, 'Ada Lovelace');
    const conversation = await h.conversationWith(phone);
    const assign = await h.t.request({
      method: 'PATCH',
      url: `/api/v1/conversations/${conversation.id}/assign`,
      token: h.adminToken,
      payload: { user_id: agent.id },
    });
    expect(assign.statusCode).toBe(200);

    const page = await h.loggedIn();
    await listItem(page, 'Ada Lovelace').click();
    const header = page.locator('.thread-title');
    await header.getByRole('img', { name: /is offline$/ }).waitFor();

    const agentPage = await h.loggedIn(agent.username, USER_PASSWORD);
    await header.getByRole('img', { name: /is online$/ }).waitFor();

    await page.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByLabel('To').selectOption({ label: `${agent.username} (online)` });
    await dialog.getByRole('img', { name: /is online$/ }).waitFor();
    await snapshot(page, 'transfer-presence');

    await agentPage.context().close();
    await header.getByRole('img', { name: /is offline$/ }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });
});
