export interface HitResult {
  /** Hits in the current window, including this one. */
  count: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

/**
 * Fixed-window counters shared by HTTP rate limits, the login limit and socket event limits.
 * In-process by default; Redis (INCR + PEXPIRE) when REDIS_URL is set so N instances count as one.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<HitResult>;
  /** The current window without counting a hit; count 0 when the key has no open window. */
  peek(key: string): Promise<HitResult>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
