import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { listItem, newPhone, startHarness, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

describe.skipIf(!chromium)('web inbox: the simulated customer (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("reacts to the agent's reply by its wamid, and the reaction shows live", async () => {
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: 'Where is my parcel?' } }, 'Hedy Lamarr');
    const conversation = await h.conversationWith(phone);
    const sent = await h.t.request({
      method: 'POST',
      url: '/api/v1/messages',
      token: h.adminToken,
      payload: { conversation_id: conversation.id, body: 'On its way' },
    });
    expect(sent.statusCode).toBe(201);
    const messageId = sent.json<{ id: string }>().id;
    let wamid: string | null = null;
    await expect
      .poll(
        async () => {
          const res = await h.t.request({
            method: 'GET',
            url: `/api/v1/messages/${messageId}`,
            token: h.adminToken,
          });
          wamid = res.json<{ whatsapp_message_id: string | null }>().whatsapp_message_id;
          return wamid;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toBeTruthy();

    const page = await h.loggedIn();
    await listItem(page, 'Hedy Lamarr').click();
    const reply = page
      .getByRole('log', { name: 'Messages' })
      .locator('article.out', { hasText: 'On its way' });
    await reply.waitFor();
    await page.getByRole('button', { name: 'Simulated customer…' }).click();
    const panel = page.getByRole('region', { name: 'Simulated customer' });
    await panel.getByLabel('Customer phone').fill(phone);
    await panel.getByLabel('React to (wamid)').fill(wamid!);
    await panel.getByLabel('Emoji').fill('🎉');
    await panel.getByRole('button', { name: 'React' }).click();
    await reply.getByRole('button', { name: /^🎉 1/ }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });
});
