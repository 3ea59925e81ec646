import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const strongSecret = () => randomBytes(48).toString('base64url');
const key = () => randomBytes(32).toString('hex');

describe('config', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apice-config-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const prod = (env: Record<string, string>) =>
    loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir(),
      JWT_SECRET: strongSecret(),
      ENCRYPTION_KEY: key(),
      ...env,
    });

  it('reads SMTP_URL and MAIL_FROM, defaulting the sender to no-reply at the PUBLIC_URL host', () => {
    const c = loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://chat.example.test' });
    expect(c.smtpUrl).toBeUndefined();
    expect(c.mailFrom).toBe('ApiCeChat <no-reply@chat.example.test>');
    const smtp = loadConfig({
      DATA_DIR: dataDir(),
      SMTP_URL: 'smtps://u:p@mail.example.test:465',
      MAIL_FROM: 'Support <help@example.test>',
    });
    expect(smtp).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example.test:465',
      mailFrom: 'Support <help@example.test>',
    });
  });

  it('refuses an SMTP_URL that is not smtp(s):// without repeating its password, and a bad MAIL_FROM', () => {
    for (const url of ['http://u:Secr3tPass@mail.test', 'not a url Secr3tPass']) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: url })).toThrow(ConfigError);
      try {
        loadConfig({ DATA_DIR: dataDir(), SMTP_URL: url });
      } catch (err) {
        expect(String(err)).toMatch(/SMTP_URL/);
        expect(String(err)).not.toContain('Secr3tPass');
      }
    }
    expect(() => loadConfig({ DATA_DIR: dataDir(), MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
  });

  it('applies API.md defaults outside production', () => {
    const c = loadConfig({ DATA_DIR: dataDir() });
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', allowSignup: true, searchTsConfig: 'simple' });
    expect(c.admin).toMatchObject({ username: 'admin', password: 'admin123' });
    expect(c.throttle).toEqual({ ttlSeconds: 60, limit: 100, loginLimit: 5 });
    expect(c.uploads.videoBytes).toBe(50 * 1024 * 1024);
    // No Graph URL outside production: the built-in simulator stands in for Meta.
    expect(c.whatsapp.baseUrl).toBe('http://127.0.0.1:3000/simulator/graph');
  });

  it('caps sockets per user at 20 unless WS_MAX_SOCKETS_PER_USER says otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).maxSocketsPerUser).toBe(20);
    expect(loadConfig({ DATA_DIR: dataDir(), WS_MAX_SOCKETS_PER_USER: '5' }).maxSocketsPerUser).toBe(5);
    expect(() => loadConfig({ DATA_DIR: dataDir(), WS_MAX_SOCKETS_PER_USER: '0' })).toThrow(
      /WS_MAX_SOCKETS_PER_USER/,
    );
  });

  it('generates development secrets once and keeps them across restarts', () => {
    const dir = dataDir();
    const warnings: string[] = [];
    const first = loadConfig({ DATA_DIR: dir }, { warn: (m) => warnings.push(m) });
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.encryptionKey.equals(first.encryptionKey)).toBe(true);
    expect(warnings.join('\n')).toMatch(/JWT_SECRET/);
    expect(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')).toContain(first.jwtSecret);
  });

  it('accepts a strong production configuration', () => {
    const c = prod({ ADMIN_PASSWORD: 'a-long-admin-password' });
    expect(c.isProduction).toBe(true);
    expect(c.allowSignup).toBe(false);
    expect(c.host).toBe('0.0.0.0');
  });

  it.each([
    [{ JWT_SECRET: '' }, /JWT_SECRET is required/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET is too weak/],
    [{ JWT_SECRET: 'a'.repeat(40) }, /JWT_SECRET is too weak/],
    [{ ENCRYPTION_KEY: '' }, /ENCRYPTION_KEY is required/],
    [{ ENCRYPTION_KEY: 'abc' }, /ENCRYPTION_KEY must be 32 bytes/],
    [{ ADMIN_PASSWORD: 'admin123' }, /ADMIN_PASSWORD/],
    [{ ADMIN_PASSWORD: 'short' }, /ADMIN_PASSWORD/],
    [{ PORT: 'eighty' }, /PORT/],
  ])('refuses to start in production with %o', (env, message) => {
    expect(() => prod(env)).toThrow(ConfigError);
    expect(() => prod(env)).toThrow(message);
  });

  it('accepts a base64 encryption key of 32 bytes', () => {
    const c = prod({ ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    expect(c.encryptionKey).toHaveLength(32);
  });
});
