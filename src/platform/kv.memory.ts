import type { KeyValueStore } from './kv.js';

export interface MemoryKeyValueStoreOptions {
  /** How often expired entries are swept out; reads already ignore them (lazy expiry). */
  sweepIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** Runs fn as a promise, so a validation error is a rejection like on the Redis implementation. */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/** The in-process store also reports how many entries it holds (expired ones included until swept). */
export interface MemoryKeyValueStore extends KeyValueStore {
  readonly size: number;
}

export function assertTtl(ttlSeconds: number): void {
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
    throw new RangeError(`ttlSeconds must be a positive number, got ${ttlSeconds}`);
  }
}

/**
 * In-process KeyValueStore for a single instance. Expired keys are invisible at once (checked on
 * every read) and removed by a periodic sweep, so keys that are never read again do not leak.
 * The sweep timer is unref'd: it never keeps the process alive.
 */
export function createMemoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): MemoryKeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = (): void => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  };
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  return {
    get size() {
      return entries.size;
    },
    get(key) {
      return Promise.resolve(live(key)?.value ?? null);
    },
    set(key, value, ttlSeconds) {
      return settle(() => {
        assertTtl(ttlSeconds);
        entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      });
    },
    setIfAbsent(key, value, ttlSeconds) {
      return settle(() => {
        assertTtl(ttlSeconds);
        if (live(key)) return false;
        entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
        return true;
      });
    },
    del(key) {
      entries.delete(key);
      return Promise.resolve();
    },
    close() {
      clearInterval(timer);
      entries.clear();
      return Promise.resolve();
    },
  };
}
