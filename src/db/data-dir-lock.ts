import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite has no lock of its own: two processes opening one folder both "work" and one of them
 * silently loses what it wrote. So the embedded database is opened only under a lock file next
 * to its folder, holding the owner's pid; a second process is refused while that pid lives.
 */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

/** Locks taken by this process: a second open here is refused even though the pid is ours. */
const heldHere = new Set<string>();

const lockPathOf = (dir: string) => `${path.resolve(dir)}.lock`;

function pidIn(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const removeQuietly = (file: string) => {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
};

/**
 * Creates the lock only if none exists, already holding our pid: a link is atomic, so a reader never
 * sees an empty lock (which it would take for stale) and two processes never both succeed.
 */
function tryCreate(file: string): boolean {
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    linkSync(draft, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    removeQuietly(draft);
  }
}

/**
 * Moves a stale lock aside (atomic, so of two processes taking over only one gets it). Should the
 * file have become another process's fresh lock in between, it is put back.
 */
function removeStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = pidIn(aside);
  if (moved !== undefined && moved !== stalePid && isAlive(moved)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process holds the name now; it is the owner.
    }
  }
  removeQuietly(aside);
}

/**
 * Takes the lock of a PGlite folder or throws DataDirInUseError with one line naming the folder
 * and the owner's pid. A lock whose pid is dead (a crash, kill -9), or is this process's own pid
 * left by an earlier run (containers reuse pid 1), is stale and taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = lockPathOf(dir);
  mkdirSync(path.dirname(file), { recursive: true });
  if (heldHere.has(file)) throw inUse(dir, process.pid, file);
  while (!tryCreate(file)) {
    const owner = pidIn(file);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw inUse(dir, owner, file);
    removeStale(file, owner);
  }
  heldHere.add(file);

  const release = () => {
    if (!heldHere.delete(file)) return;
    process.off('exit', release);
    if (pidIn(file) === process.pid) removeQuietly(file);
  };
  // process.exit() skips close(): the lock must not outlive the process.
  process.on('exit', release);
  return { release };
}

const inUse = (dir: string, pid: number, file: string) =>
  new DataDirInUseError(
    `the database folder ${path.resolve(dir)} is in use by process ${pid}; stop it first ` +
      `(or delete ${file} if that process is not ApiCeChat)`,
  );
