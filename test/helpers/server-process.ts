import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { createTestDatabase } from './db.js';
import { freePort } from './free-port.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** A cold start (tsx, PGlite, migrations) takes seconds, more on a busy machine. */
export const START_TIMEOUT_MS = 60_000;

/**
 * Every server a test file started and that has not exited yet. A test that fails or times out
 * never reaches its own kill, so the file's afterAll (and, should the worker itself die, its exit)
 * stops what is left: no server outlives its test file.
 */
const running = new Set<ChildProcessWithoutNullStreams>();
export async function stopStartedServers(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      else return;
      await gone;
    }),
  );
}
afterAll(stopStartedServers);
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/** A port nobody listens on right now (the OS picks it, we release it at once). */
export { freePort };

/** The real server, `node --import tsx src/main.ts`, with only the environment given (and PATH). */
export function spawnServer(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    // JSON logs: tests match fields of the server's log lines.
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface RunningServer {
  child: ChildProcessWithoutNullStreams;
  /** http://127.0.0.1:port */
  base: string;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
  /** kill -9, then waits for the exit. */
  killHard: () => Promise<void>;
}

/** Starts the server on a free port and waits until /health answers. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  let out = '';
  const child = spawnServer({ PORT: String(port), LOG_LEVEL: 'info', ...env });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const killHard = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until && child.exitCode === null) {
    const ok = await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base, output: () => out, exited, killHard };
    await new Promise((r) => setTimeout(r, 100));
  }
  await killHard();
  throw new Error(`server did not start:\n${out}`);
}

/** Runs a server that is expected to refuse to start: its exit code and stderr. */
export async function refusedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawnServer(env);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr };
}

export interface ServerData {
  dataDir: string;
  /** DATA_DIR, and in services mode DATABASE_URL (a database of its own) and REDIS_URL. */
  env: Record<string, string>;
  close: () => Promise<void>;
}

/**
 * Where a test's server processes keep their state, across restarts: a fresh DATA_DIR (PGlite in
 * DATA_DIR/pg in embedded mode) and, with DATABASE_URL set, a PostgreSQL database of its own.
 */
export async function serverData(): Promise<ServerData> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'apice-e2e-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  let database: Database | undefined;
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url!;
  }
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  return {
    dataDir,
    env,
    async close() {
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
