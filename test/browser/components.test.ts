import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium } from './chromium.js';

const chromium = chromiumOrSkip();
const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

/** Components rendered from fixed data (web/src/fixtures/components.tsx) by Vite's dev server. */
describe.skipIf(!chromium)('web inbox components (Chromium)', () => {
  let vite: ViteDevServer;
  let browser: Browser;
  let url: string;
  beforeAll(async () => {
    vite = await createServer({
      root: web,
      configFile: path.join(web, 'vite.config.mjs'),
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await vite.listen();
    url = `${vite.resolvedUrls!.local[0]!.replace(/\/$/, '')}/component-fixtures.html`;
    browser = await launchChromium(chromium!);
  });
  afterAll(async () => {
    await browser?.close();
    await vite?.close();
  });

  async function fixtures(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.clock.install({ time: new Date('2026-03-01T10:00:00Z') });
    await page.goto(url);
    await page.locator('.composer').waitFor();
    return page;
  }
  const ofType = (page: Page, type: string) => page.locator(`article[data-type="${type}"]`);

  it('renders every message type, user text as text only', async () => {
    const page = await fixtures();
    const text = ofType(page, 'text');
    expect(await text.textContent()).toContain('<b>https://example.com</b>');
    expect(await text.locator('b').count()).toBe(0);
    expect(await ofType(page, 'image').locator('img.image').getAttribute('alt')).toBe('box.jpg');
    expect(await ofType(page, 'video').locator('video').getAttribute('src')).toBe('/media/video');
    expect(await ofType(page, 'audio').locator('audio').getAttribute('aria-label')).toBe('voice.ogg');
    expect(await ofType(page, 'document').getByRole('link').textContent()).toContain('invoice.pdf');
    expect(await ofType(page, 'sticker').locator('img.sticker').count()).toBe(1);
    expect(await ofType(page, 'location').getByRole('link').getAttribute('href')).toContain('48.85');
    expect(await ofType(page, 'contacts').textContent()).toContain('Jane Roe');
    expect(await ofType(page, 'contacts').textContent()).toContain('+1 555 0199');
    expect(await ofType(page, 'interactive').textContent()).toContain('Yes please');
    expect(await ofType(page, 'button').textContent()).toContain('Stop promotions');
    expect(await ofType(page, 'template').textContent()).toContain('order_update');
    expect(await ofType(page, 'reaction').textContent()).toContain('Reacted 🎉');
    expect(await ofType(page, 'unsupported').textContent()).toContain('(poll)');
    expect(await ofType(page, 'deleted').textContent()).toBe('This message was deleted');
    await page.close();
  });

  it('counts the 24-hour window down, then locks the composer and offers a template', async () => {
    const page = await fixtures();
    await page.getByText('WhatsApp window closes in').waitFor();
    expect(await page.locator('.window-info strong').textContent()).toBe('1m');
    await page.clock.fastForward(31_000);
    // Under a minute left: seconds now (the page's clock keeps running between steps).
    await expect.poll(() => page.locator('.window-info strong').textContent()).toMatch(/^\d{1,2}s$/);
    await page.clock.fastForward(60_000);
    await page.getByText('The 24-hour window is closed.').waitFor();
    expect(await page.locator('.window-info').count()).toBe(0);
    await page.getByRole('button', { name: 'Send a template' }).waitFor();
    await page.close();
  });
});
