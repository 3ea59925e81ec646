import type { Simulator } from '../../src/whatsapp/simulator/simulator.js';
import { createTestApp, type TestApp } from './app.js';
import { freePort } from './server-process.js';

export interface ListeningApp extends TestApp {
  /** The app's own origin, also its PUBLIC_URL: the simulator posts webhooks back to it. */
  url: string;
  simulator: Simulator;
}

/**
 * A test app listening on a real port with PUBLIC_URL pointing at itself and the WhatsApp
 * simulator on, so Graph calls and signed webhooks travel over HTTP like in production.
 * Status webhooks leave at once unless the env says otherwise.
 */
export async function createListeningApp(env: Record<string, string> = {}): Promise<ListeningApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({
    PORT: String(port),
    PUBLIC_URL: url,
    WHATSAPP_SIMULATOR: 'true',
    WHATSAPP_SIMULATOR_STATUS_DELAYS_MS: '0,0,0',
    ...env,
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  const simulator = t.app.whatsappSimulator;
  if (!simulator) throw new Error('the WhatsApp simulator is off');
  return {
    ...t,
    url,
    simulator,
    // A status webhook still in flight when the server starts closing leaves a keep-alive
    // connection behind it, and the close would wait for it until Fastify's plugin timeout.
    async close() {
      await simulator.settle();
      await t.close();
    },
  };
}

export interface TestNumber {
  phone_number_id: string;
  business_account_id: string;
  access_token: string;
  app_secret: string;
}

let numbers = 0;

/** Connects a WhatsApp number through the real integrations API (the admin's tenant unless a token is given). */
export async function connectNumber(
  t: TestApp,
  token?: string,
  overrides: Partial<TestNumber> = {},
): Promise<TestNumber> {
  numbers += 1;
  const suffix = `${process.pid}${numbers}`.padStart(8, '0');
  const number: TestNumber = {
    phone_number_id: `1065${suffix}`,
    business_account_id: `1022${suffix}`,
    access_token: `EAAG-test-token-${suffix}`,
    app_secret: `app-secret-${suffix}`,
    ...overrides,
  };
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/whatsapp-integration-config',
    token: token ?? (await t.adminToken()),
    payload: { name: `Number ${suffix}`, display_phone_number: '15550783881', ...number },
  });
  if (res.statusCode !== 201) throw new Error(`connect number failed: ${res.statusCode} ${res.body}`);
  return number;
}

/** A second tenant with its own admin, through the real sign-up. */
export async function registerTenant(t: TestApp, name: string): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: {
      tenant_name: name,
      name,
      email: `${name.toLowerCase()}@${name.toLowerCase()}.test`,
      password: 'correct horse',
    },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return res.json<{ access_token: string }>().access_token;
}
