import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { chown } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.js';

/**
 * PostgreSQL and Redis servers of one test's own, started from the installed binaries, so a test
 * can stop and restart them without disturbing the machine's shared services (other test files
 * use those at the same time).
 */

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = 'redis-server';

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => existsSync(path.join(dir, binary)));
}

/** Why a disposable PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (!existsSync(path.join(PG_BIN, 'pg_ctl'))) return `PostgreSQL 15 binaries not found in ${PG_BIN}`;
  // initdb refuses to run as root; as root we hand the cluster to the postgres user.
  if (process.getuid?.() === 0 && !onPath('runuser')) return 'running as root without runuser';
  return undefined;
}

/** Why a disposable Redis cannot be started here, or undefined when it can. */
export function redisUnavailable(): string | undefined {
  return onPath(REDIS_SERVER) ? undefined : `${REDIS_SERVER} not found on PATH`;
}

export interface DisposablePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication). */
  url: string;
  port: number;
  /** Starts the server again on the same port and data directory; resolves once it accepts connections. */
  start(): Promise<void>;
  /** `fast`: a clean shutdown that ends every session; `immediate`: a crash (recovery on the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

export async function startDisposablePostgres(): Promise<DisposablePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'apice-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await chown(dir, ...(await postgresIds()));
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, tool), ...args])
      : run(path.join(PG_BIN, tool), args);
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const server: DisposablePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await server.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}

export interface DisposableRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Starts redis-server again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: the clients see the connection drop, as when Redis crashes). */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startDisposableRedis(): Promise<DisposableRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: DisposableRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
      const started = spawn(REDIS_SERVER, [...args, '--daemonize', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ready to accept connections')) {
            started.stdout?.off('data', onData);
            started.stdout?.resume();
            resolve();
          }
        };
        started.stdout?.on('data', onData);
        started.stderr?.resume();
        started.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${out}`)));
        started.once('error', reject);
      });
    },
    async stop() {
      const current = child;
      child = undefined;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once('exit', resolve));
      current.kill('SIGKILL');
      await exited;
    },
    destroy: () => server.stop(),
  };
  await server.start();
  return server;
}
