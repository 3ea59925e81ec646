import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  refusedStart,
  serverData,
  startServer,
  START_TIMEOUT_MS,
  type ServerData,
} from '../helpers/server-process.js';

describe('the server process', () => {
  let data: ServerData;
  beforeAll(async () => {
    data = await serverData();
  });
  afterAll(async () => {
    await data.close();
  });

  it(
    'starts on a fresh data directory, lets the admin log in, and shuts down cleanly on SIGTERM',
    async () => {
      const server = await startServer(data.env);
      const login = await fetch(`${server.base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'admin123' }),
      });
      expect(login.status).toBe(200);
      const { access_token } = (await login.json()) as { access_token: string };
      expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const log = server.output();
      expect(log).toMatch(/shutting down/);
      // Nothing secret reaches the log.
      expect(log).not.toContain('admin123');
      expect(log).not.toContain(access_token);

      // A restart keeps the generated secrets: the old access token is still valid.
      const again = await startServer(data.env);
      const me = await fetch(`${again.base}/api/v1/auth/me`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(me.status).toBe(200);
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      // Two cold starts: on a busy 2-core machine each may take most of its own budget.
    },
    2.5 * START_TIMEOUT_MS,
  );

  it('refuses to start in production without secrets, naming the variable in one line', async () => {
    const { code, stderr } = await refusedStart({ NODE_ENV: 'production', DATA_DIR: data.dataDir });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'ApiCeChat cannot start: JWT_SECRET is required in production (at least 32 random characters)',
    );
  });

  it('refuses the default admin password in production', async () => {
    const { code, stderr } = await refusedStart({
      NODE_ENV: 'production',
      DATA_DIR: data.dataDir,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ADMIN_PASSWORD: 'admin123',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/ADMIN_PASSWORD/);
  });
});
