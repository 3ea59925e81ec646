import { createTokenService } from '../../src/features/auth/tokens.js';
import { signBody, toWireBody } from '../../src/whatsapp/simulator/wire.js';
import { databaseExists, keepAnalyzed, recreateDatabase, REDIS_URL, urlFor, withClient } from './db.js';
import { json, request, type Answer } from './http.js';
import { seed, waId, type Seeded, type SeedSize } from './seed.js';
import { startServer, type RunningServer } from './server.js';

export const PHONE_NUMBER_ID = '190000000000001';
const APP_SECRET = 'bench-app-secret-0123456789abcdef';
const ACCESS_TOKEN = 'bench-access-token';

export interface BenchApp extends Seeded {
  server: RunningServer;
  databaseUrl: string;
  adminToken: string;
  /** Signed Meta webhook with one text message from customer i (wamid must be unique). */
  postInbound(customer: number, wamid: string, text: string): Promise<Answer>;
  /** Access tokens for seeded agents, minted with the server's JWT secret (no 5k logins). */
  agentTokens(count: number): Promise<{ userId: string; token: string }[]>;
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A services-mode server (PostgreSQL + Redis) on a benchmark database seeded to `size`. The seed
 * is kept between runs (same name, same size): only a fresh database is seeded.
 */
export async function startBenchApp(
  size: SeedSize,
  env: Record<string, string> = {},
  options: { fresh?: boolean } = {},
): Promise<BenchApp> {
  const name = `apice_bench_${size.conversations}x${size.messagesPerConversation}`;
  if (options.fresh || !(await databaseExists(name))) await recreateDatabase(name);
  const databaseUrl = urlFor(name);
  const server = await startServer({ DATABASE_URL: databaseUrl, REDIS_URL, ...env });
  const stopMaintenance = await keepAnalyzed(databaseUrl);
  const base = server.base;
  const login = await json<{ access_token: string }>(`${base}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: 'admin123' }),
  });
  const adminToken = login.access_token;
  const api = <T>(method: string, path: string, body?: unknown) =>
    json<T>(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const existing = await api<{ data: { id: string; phone_number_id: string }[] }>(
    'GET',
    '/whatsapp-integration-config',
  );
  // Each benchmark run has a new ENCRYPTION_KEY: a kept database gets its number's secrets written again.
  const secrets = { access_token: ACCESS_TOKEN, app_secret: APP_SECRET };
  const known = existing.data.find((i) => i.phone_number_id === PHONE_NUMBER_ID);
  const integrationId = known
    ? (await api<{ id: string }>('PATCH', `/whatsapp-integration-config/${known.id}`, secrets)).id
    : (
        await api<{ id: string }>('POST', '/whatsapp-integration-config', {
          name: 'Bench number',
          phone_number_id: PHONE_NUMBER_ID,
          display_phone_number: '+1 555 0100',
          ...secrets,
        })
      ).id;
  const seeded = await seed(databaseUrl, size, integrationId);
  const tokens = createTokenService(server.jwtSecret, 24 * 3600);

  return {
    ...seeded,
    server,
    databaseUrl,
    adminToken,
    api,
    postInbound(customer, wamid, text) {
      const body = toWireBody(inboundText(customer, wamid, text));
      return request(`${base}/api/v1/meta-whatsapp/webhook`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
      });
    },
    async agentTokens(count) {
      // One session per agent, as a login would open, so the tokens pass the session check.
      const rows = await withClient(
        databaseUrl,
        async (c) =>
          (
            await c.query<{ id: string; session_id: string }>(
              `insert into auth_sessions (id, tenant_id, user_id)
               select gen_random_uuid(), tenant_id, id from users
               where tenant_id = $1 and username like 'bench-agent-%'
               order by username limit $2
               returning user_id as id, id as session_id`,
              [seeded.tenantId, count],
            )
          ).rows,
      );
      return Promise.all(
        rows.map(async (r) => ({
          userId: r.id,
          token: (await tokens.issue(r.id, seeded.tenantId, r.session_id)).token,
        })),
      );
    },
    async stop() {
      await stopMaintenance();
      await server.stop();
    },
  };
}

function inboundText(customer: number, wamid: string, text: string) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '190000000000009',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550100', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: `Customer ${customer}` }, wa_id: waId(customer) }],
              messages: [
                {
                  from: waId(customer),
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}
