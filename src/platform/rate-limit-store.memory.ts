import { settle } from './kv.memory.js';
import type { HitResult, RateLimitStore } from './rate-limit-store.js';

export interface MemoryRateLimitStoreOptions {
  /** How often finished windows are swept out. */
  sweepIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Window {
  count: number;
  resetAt: number;
}

/** The in-process store also reports how many windows it holds (finished ones included until swept). */
export interface MemoryRateLimitStore extends RateLimitStore {
  readonly size: number;
}

export function windowToMs(windowMs: number): number {
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
  }
  return Math.ceil(windowMs);
}

/**
 * In-process fixed-window counters for a single instance. A window starts at the first hit of a
 * key and lasts windowMs; finished windows are swept by an unref'd timer so idle keys do not leak.
 */
export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();
  const timer = setInterval(() => {
    const t = now();
    for (const [key, w] of windows) if (w.resetAt <= t) windows.delete(key);
  }, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  return {
    get size() {
      return windows.size;
    },
    hit(key, windowMs): Promise<HitResult> {
      return settle(() => {
        const ms = windowToMs(windowMs);
        const t = now();
        let w = windows.get(key);
        if (!w || w.resetAt <= t) {
          w = { count: 0, resetAt: t + ms };
          windows.set(key, w);
        }
        w.count += 1;
        return { count: w.count, resetInMs: w.resetAt - t };
      });
    },
    peek(key): Promise<HitResult> {
      const t = now();
      const w = windows.get(key);
      return Promise.resolve(
        w && w.resetAt > t ? { count: w.count, resetInMs: w.resetAt - t } : { count: 0, resetInMs: 0 },
      );
    },
    reset(key) {
      windows.delete(key);
      return Promise.resolve();
    },
    close() {
      clearInterval(timer);
      windows.clear();
      return Promise.resolve();
    },
  };
}
