import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createTestDatabase } from '../helpers/db.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('npm run seed', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'apice-seed-'));
  let database: Database | undefined;
  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const seed = async () => {
    if (process.env.DATABASE_URL && !database) database = await createTestDatabase();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'seed'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        ...(database?.url ? { DATABASE_URL: database.url } : {}),
      },
    });
    expect(run.status, run.stderr).toBe(0);
    return run.stdout;
  };

  it('adds the demo users and data with a progress line per step, and is safe to run twice', async () => {
    const first = await seed();
    expect(first).toMatch(/- created supervisor "supervisor"/);
    expect(first).toMatch(/- created agent "agent"/);
    expect(first).toMatch(/- created contact .+ with a conversation/);
    expect(first.trim().split('\n').at(-1)).toBe('- done');
    const second = await seed();
    expect(second).toMatch(/user "agent" already exists, kept/);
    expect(second).not.toMatch(/- created/);
  });
});
