import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { closeDeps, createDeps } from '../../src/deps.js';
import { bootstrapFirstAdmin } from '../../src/features/tenants/bootstrap.js';
import { createLogger } from '../../src/logger.js';
import { deleteByPrefix, redisClients } from '../platform/redis-targets.js';
import { createTestDatabase } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  deps: AppDeps;
  config: Config;
  /** Logs in through the real endpoint and returns the access token. */
  login(username: string, password: string): Promise<string>;
  /** The bootstrapped admin's token. */
  adminToken(): Promise<string>;
  /** Creates a user of the admin's tenant with a role and returns its id and token. */
  createUser(role: string, username?: string): Promise<{ id: string; token: string; username: string }>;
  /** Every registered API route as OpenAPI names it: `GET /api/v1/users/{id}`. */
  routes(): string[];
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const ADMIN = { username: 'admin', password: 'admin123' };

/** For several instances of one deployment (multi-instance tests); each defaults to a fresh one. */
export interface TestAppOptions {
  /** A database shared with other instances; the caller closes it. */
  database?: Database;
  /** The Redis key prefix shared with other instances. */
  keyPrefix?: string;
  /** The app's logger (a test reading the log lines passes one writing to a stream). */
  logger?: Logger;
}

/**
 * A real app on a real, fresh database (PGlite, or PostgreSQL with DATABASE_URL) and real
 * Redis when REDIS_URL is set, driven through app.inject.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'apice-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    THROTTLE_LIMIT: '100000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  const database = options.database
    ? { ...options.database, close: () => Promise.resolve() }
    : await createTestDatabase();
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const deps = await createDeps(config, logger, {
    database,
    keyPrefix: options.keyPrefix ?? `apice-test:${randomBytes(6).toString('hex')}:`,
  });
  await bootstrapFirstAdmin(database.db, config, () => undefined);
  const app = await buildApp(deps);
  await app.ready();

  const request: TestApp['request'] = ({ token, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  const login = async (username: string, password: string) => {
    const res = await request({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json<{ access_token: string }>().access_token;
  };
  let adminToken: string | undefined;
  const getAdminToken = async () => (adminToken ??= await login(ADMIN.username, ADMIN.password));
  let n = 0;

  return {
    app,
    deps,
    config,
    login,
    adminToken: getAdminToken,
    request,
    routes: () => app.apiRoutes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`),
    async createUser(role, username = `${role}${++n}_${randomBytes(3).toString('hex')}`) {
      const res = await request({
        method: 'POST',
        url: '/api/v1/users',
        token: await getAdminToken(),
        payload: { name: username, username, password: 'password123', role },
      });
      if (res.statusCode !== 201) throw new Error(`create user failed: ${res.statusCode} ${res.body}`);
      return { id: res.json<{ id: string }>().id, token: await login(username, 'password123'), username };
    },
    async close() {
      await app.close();
      await closeDeps(deps);
      rmSync(dataDir, { recursive: true, force: true });
      // Instances sharing a prefix leave it to their owner (see TestAppOptions).
      if (!options.keyPrefix) await forgetRedisKeys(deps.keyPrefix);
    },
  };
}

/** Removes a test prefix's Redis keys: Socket.IO's stream has no TTL of its own. */
export async function forgetRedisKeys(prefix: string): Promise<void> {
  if (!process.env.REDIS_URL) return;
  const redis = redisClients();
  await deleteByPrefix(redis.open(), prefix);
  await redis.closeAll();
}
