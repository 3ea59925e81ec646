import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './chromium.js';
import { listItem, newPhone, startHarness, USER_PASSWORD, type Harness } from './harness.js';

const chromium = chromiumOrSkip();

/** A conversation taken from an agent or deleted leaves the agent's inbox at once, without a reload. */
describe.skipIf(!chromium)('web inbox: conversations leaving the view (Chromium)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(chromium!);
  });
  afterAll(async () => {
    await h?.close();
  });

  const api = async (method: 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await h.t.request({ method, url, token: h.adminToken, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  };

  /** An agent with the customer's conversation assigned and open on screen. */
  async function agentWithOpenConversation(name: string) {
    const agent = await h.t.createUser('agent');
    const phone = newPhone();
    await h.customerSays(phone, { type: 'text', text: { body: `Hello from ${name}` } }, name);
    const conversation = await h.conversationWith(phone);
    await api('PATCH', `/api/v1/conversations/${conversation.id}/assign`, { user_id: agent.id });
    const page = await h.loggedIn(agent.username, USER_PASSWORD);
    await page.getByRole('tab', { name: 'Mine' }).click();
    await listItem(page, name).click();
    await page.getByRole('log', { name: 'Messages' }).getByText(`Hello from ${name}`).waitFor();
    return { page, conversation };
  }

  it('drops a conversation reassigned to someone else from the list and the screen, with a notice', async () => {
    const { page, conversation } = await agentWithOpenConversation('Grace Hopper');
    const colleague = await h.t.createUser('agent');
    await api('PATCH', `/api/v1/conversations/${conversation.id}/assign`, { user_id: colleague.id });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('assigned to someone else');
    expect(await listItem(page, 'Grace Hopper').count()).toBe(0);
    await page.getByRole('heading', { name: 'Select a conversation' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.context().close();
  });

  it('drops a deleted conversation at once', async () => {
    const { page, conversation } = await agentWithOpenConversation('Barbara Liskov');
    await api('DELETE', `/api/v1/conversations/${conversation.id}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('was deleted');
    expect(await listItem(page, 'Barbara Liskov').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.context().close();
  });
});
