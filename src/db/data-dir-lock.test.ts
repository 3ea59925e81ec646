import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapFirstAdmin } from '../features/tenants/bootstrap.js';
import { tenants } from '../features/tenants/tenants.table.js';
import { users } from '../features/users/users.table.js';
import { openDatabase, runMigrations, type Database } from './client.js';
import { DataDirInUseError } from './data-dir-lock.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Each step is a cold start (tsx, PGlite on disk, migrations): seconds each, more on a busy machine. */
const SLOW = { timeout: 240_000 };

/** A real second process on the folder: the CLI or the server, embedded mode whatever the test env. */
const run = (dataDir: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', LOG_FORMAT: 'json' },
  });

/** The pid of a process that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('the DATA_DIR lock of the embedded database', () => {
  const dirs: string[] = [];
  const open: Database[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apice-lock-'));
    dirs.push(dir);
    return dir;
  };
  const openIn = async (dir: string) => {
    const database = await openDatabase({ pgliteDir: path.join(dir, 'pg') });
    open.push(database);
    return database;
  };
  const lockOf = (dir: string) => path.join(dir, 'pg.lock');
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it(
    'refuses a second process with one line naming the folder and the pid, and loses nothing',
    SLOW,
    async () => {
      const dir = dataDir();
      const first = await openIn(dir);
      await runMigrations(first);
      // What a running server has written: its tenant and admin, so a second process finds them.
      const admin = { username: 'admin', password: 'admin123', email: undefined };
      await bootstrapFirstAdmin(
        first.db,
        { admin, isProduction: false, defaultTenantName: 'First' },
        () => {},
      );
      const folder = path.join(dir, 'pg');

      for (const command of [['src/cli.ts', 'seed'], ['src/cli.ts', 'migrate'], ['src/main.ts']]) {
        const second = run(dir, command);
        expect(second.status, `${command.join(' ')}: ${second.stdout}${second.stderr}`).not.toBe(0);
        const lines = second.stderr.trim().split('\n');
        expect(lines, second.stderr).toHaveLength(1);
        expect(lines[0]).toContain(`database folder ${folder} is in use by process ${process.pid}`);
      }

      await first.close();
      const reopened = await openIn(dir);
      expect((await reopened.db.select().from(tenants)).map((t) => t.name)).toEqual(['First']);
      expect((await reopened.db.select().from(users)).map((u) => u.username)).toEqual(['admin']);
    },
  );

  it('refuses a second open of the same folder within one process', SLOW, async () => {
    const dir = dataDir();
    await openIn(dir);
    await expect(openIn(dir)).rejects.toBeInstanceOf(DataDirInUseError);
  });

  it(
    'takes over the lock of a dead process, holds it, and releases it on close and at exit',
    SLOW,
    async () => {
      const dir = dataDir();
      writeFileSync(lockOf(dir), `${deadPid()}\n`);
      const database = await openIn(dir);
      expect(readFileSync(lockOf(dir), 'utf8').trim()).toBe(String(process.pid));
      expect(run(dir, ['src/cli.ts', 'migrate']).status).not.toBe(0);
      await database.close();
      expect(existsSync(lockOf(dir))).toBe(false);

      const seeded = run(dir, ['src/cli.ts', 'seed']);
      expect(seeded.status, seeded.stderr).toBe(0);
      expect(existsSync(lockOf(dir))).toBe(false);
    },
  );
});
