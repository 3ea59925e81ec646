import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const web = path.join(root, 'web');
const built = path.join(web, 'dist', 'index.html');
const lock = path.join(web, '.build-lock');

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

const stale = () =>
  !existsSync(built) ||
  Math.max(...['src', 'index.html', 'vite.config.mjs'].map((p) => newestMtime(path.join(web, p)))) >
    statSync(built).mtimeMs;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds web/dist when it is missing or older than its sources; one build at a time across test workers. */
export async function ensureWebBuilt(): Promise<void> {
  if (!stale()) return;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds: wait for it, unless its lock is left over from a crash.
      const since = existsSync(lock) ? Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs : 0;
      if (since > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (!stale()) return;
    const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', web, '--logLevel', 'warn'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
