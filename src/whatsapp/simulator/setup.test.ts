import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { decryptIntegration } from '../../features/integrations/integrations.service.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { tenants } from '../../features/tenants/tenants.table.js';
import { sha256Hex } from '../../platform/crypto.js';
import { createTestApp } from '../../../test/helpers/app.js';
import { createListeningApp, type ListeningApp } from '../../../test/helpers/listening-app.js';
import { createSimulatorDemo, DEMO_PHONE_NUMBER_ID, DEMO_WABA_ID } from './demo.js';

describe('simulator configuration', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const load = (env: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apice-sim-config-'));
    dirs.push(dir);
    const production = env.NODE_ENV === 'production';
    return loadConfig({
      DATA_DIR: dir,
      ...(production
        ? {
            JWT_SECRET: randomBytes(48).toString('base64url'),
            ENCRYPTION_KEY: randomBytes(32).toString('hex'),
          }
        : {}),
      ...env,
    });
  };

  it('is on outside production when no Graph URL is set, and the app then talks to it', () => {
    const c = load({ PUBLIC_URL: 'http://localhost:4000' });
    expect(c.whatsapp.baseUrl).toBe('http://localhost:4000/simulator/graph');
    expect(c.whatsapp.simulator).toEqual({
      webhookUrl: 'http://localhost:4000/api/v1/meta-whatsapp/webhook',
      statusDelaysMs: { sent: 200, delivered: 500, read: 1000 },
    });
  });

  it('is off when WHATSAPP_BASE_URL is set, which then wins', () => {
    const c = load({ WHATSAPP_BASE_URL: 'https://graph.facebook.com' });
    expect(c.whatsapp).toMatchObject({ baseUrl: 'https://graph.facebook.com', simulator: undefined });
  });

  it('keeps an explicit Graph URL when switched on explicitly', () => {
    const c = load({ WHATSAPP_SIMULATOR: 'true', WHATSAPP_BASE_URL: 'http://127.0.0.1:9/graph' });
    expect(c.whatsapp.baseUrl).toBe('http://127.0.0.1:9/graph');
    expect(c.whatsapp.simulator).toBeDefined();
  });

  it('takes its webhook URL and status delays from the environment', () => {
    const c = load({
      WHATSAPP_SIMULATOR_WEBHOOK_URL: 'http://127.0.0.1:5000/hook',
      WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: '10,20,30',
    });
    expect(c.whatsapp.simulator).toEqual({
      webhookUrl: 'http://127.0.0.1:5000/hook',
      statusDelaysMs: { sent: 10, delivered: 20, read: 30 },
    });
    expect(() => load({ WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: '10,20' })).toThrow(ConfigError);
  });

  it('is off in production and cannot be switched on there', () => {
    const c = load({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-long-admin-password' });
    expect(c.whatsapp).toMatchObject({ baseUrl: 'https://graph.facebook.com', simulator: undefined });
    expect(() => load({ NODE_ENV: 'production', WHATSAPP_SIMULATOR: 'true' })).toThrow(/WHATSAPP_SIMULATOR/);
  });
});

describe('simulator mounting', () => {
  it('mounts nothing when off', async () => {
    const t = await createTestApp({ WHATSAPP_SIMULATOR: 'false' });
    try {
      expect(t.app.whatsappSimulator).toBeNull();
      const res = await t.request({ method: 'POST', url: '/simulator/graph/v21.0/1/messages', payload: {} });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect((await t.request({ method: 'GET', url: '/simulator/faults' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('documents the control API under the simulator tag and hides the Graph stand-in', async () => {
    const t = await createTestApp({ WHATSAPP_SIMULATOR: 'true' });
    try {
      const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
      const paths = Object.keys(doc.paths as Record<string, unknown>);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/simulator/customers/messages',
          '/simulator/webhooks/raw',
          '/simulator/faults',
          '/simulator/requests',
          '/simulator/recipients',
          '/simulator/templates/{id}/status',
        ]),
      );
      expect(doc.paths['/simulator/customers/messages'].post.tags).toEqual(['simulator']);
      expect(
        paths.filter((p) => p.startsWith('/simulator/graph') || p.startsWith('/simulator/lookaside')),
      ).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('demo integration', () => {
  let t: ListeningApp;
  beforeAll(async () => {
    t = await createListeningApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const demoRow = async () =>
    (
      await t.deps.database.db
        .select()
        .from(whatsappIntegrations)
        .where(eq(whatsappIntegrations.phoneNumberId, DEMO_PHONE_NUMBER_ID))
    )[0];

  it('connects a demo number to the default tenant after bootstrap, once', async () => {
    expect(await createSimulatorDemo(t.deps)).toBe(true);
    const row = await demoRow();
    const [defaultTenant] = await t.deps.database.db.select().from(tenants);
    expect(row).toMatchObject({
      tenantId: defaultTenant!.id,
      businessAccountId: DEMO_WABA_ID,
      apiVersion: 'v21.0',
    });
    const secrets = decryptIntegration(t.deps.secrets, row!);
    expect(secrets.accessToken.length).toBeGreaterThanOrEqual(32);
    expect(secrets.appSecret?.length).toBeGreaterThanOrEqual(32);
    expect(row!.accessTokenEncrypted).not.toContain(secrets.accessToken);
    expect(row!.verifyTokenHash).toBe(sha256Hex(t.deps.secrets.decrypt(row!.verifyTokenEncrypted!)));
    expect(await createSimulatorDemo(t.deps)).toBe(false);
  });

  it('works end to end: a send to the demo number is accepted and its statuses reach the app signed', async () => {
    await createSimulatorDemo(t.deps); // idempotent: this test also runs alone
    const row = await demoRow();
    const { accessToken } = decryptIntegration(t.deps.secrets, row!);
    const res = await fetch(`${t.config.whatsapp.baseUrl}/v21.0/${DEMO_PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'text',
        text: { body: 'Hello' },
      }),
    });
    expect(res.status).toBe(200);
    await t.simulator.settle();
    expect(t.simulator.deliveries(DEMO_PHONE_NUMBER_ID).map((d) => d.status_code)).toEqual([200, 200, 200]);
  });

  it('creates nothing when the simulator is off', async () => {
    const off = await createTestApp({ WHATSAPP_BASE_URL: 'http://127.0.0.1:9' });
    try {
      expect(await createSimulatorDemo(off.deps)).toBe(false);
      expect(await off.deps.database.db.select().from(whatsappIntegrations)).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
