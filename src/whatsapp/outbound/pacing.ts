import type { RateLimitStore } from '../../platform/rate-limit-store.js';

export interface Pacer {
  /** Resolves once this number may make one more call; waits, never drops. */
  acquire(phoneNumberId: string): Promise<void>;
}

export interface PacerOptions {
  store: RateLimitStore;
  /** Calls per second per number (Meta's throughput: 80 by default, up to 1,000). */
  ratePerSecond: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
}

const WINDOW_MS = 1000;
const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Per-number pacing on the shared rate-limit store (Redis when configured), so every instance
 * draws from one budget. Fixed one-second windows: a call over the budget waits for the next window
 * and tries again. A refused hit still counts in its window, which only makes the budget stricter.
 */
export function createPacer(o: PacerOptions): Pacer {
  const sleep = o.sleep ?? sleepFor;
  return {
    async acquire(phoneNumberId) {
      for (;;) {
        const { count, resetInMs } = await o.store.hit(`wa-send:${phoneNumberId}`, WINDOW_MS);
        if (count <= o.ratePerSecond) return;
        // A little past the reset, so the retry lands in the new window.
        await sleep(Math.max(1, resetInMs) + Math.floor(Math.random() * 20));
      }
    },
  };
}
