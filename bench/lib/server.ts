import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/helpers/free-port.js';
import { sleep } from './stats.js';

export const root = path.resolve(import.meta.dirname, '../..');

/** Builds dist/ and the inbox when stale, like `npm start` does, before anything is timed. */
export function ensureBuilt(): void {
  const out = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (out.status !== 0) throw new Error('npm run build failed');
}

/** Resident set size of a process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export interface RunningServer {
  base: string;
  pid: number;
  jwtSecret: string;
  rssMb(): number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The production build (dist/main.js) in its own process, in services mode when DATABASE_URL and
 * REDIS_URL are given. Secrets are fixed here so the benchmark can mint agents' tokens itself.
 */
// One key per benchmark run: a restarted server (outbound benchmark) must still decrypt the
// number's access token, and its backlog starts sending before the harness could re-enter it.
const ENCRYPTION_KEY = randomBytes(32).toString('hex');

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'apice-bench-'));
  const jwtSecret = randomBytes(48).toString('base64url');
  let out = '';
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', 'main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      JWT_SECRET: jwtSecret,
      ENCRYPTION_KEY,
      LOG_LEVEL: 'warn',
      // The benchmark is the only client; per-user API limits would measure the limiter.
      THROTTLE_LIMIT: '100000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      return {
        base,
        pid: child.pid!,
        jwtSecret,
        rssMb: () => rssMb(child.pid!),
        output: () => out,
        async stop() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(15_000)]);
          if (child.exitCode === null) child.kill('SIGKILL');
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${out}`);
}
