/**
 * How outbound sends retry (API.md: the first retry within 2 s, at least 10 attempts over at least
 * an hour). pg-boss waits `min(retryDelayMax, retryDelay * 2^n * (1 + random))` seconds before retry
 * n+1 (n = 0 for the first), so with a 1 s base the first retry comes after 1-2 s and the waits double
 * up to the 30-minute cap: 13 attempts spread over at least 64 minutes (at most about 94).
 */
export const SEND_RETRY = {
  retryLimit: 12,
  retryDelay: 1,
  retryBackoff: true,
  retryDelayMax: 1800,
} as const;

export interface RetryPolicy {
  retryLimit: number;
  retryDelay: number;
  retryDelayMax: number;
}

/** The shortest and longest waits before each retry under pg-boss's backoff formula, in seconds. */
export function retryWaits(p: RetryPolicy): { min: number; max: number }[] {
  return Array.from({ length: p.retryLimit }, (_, n) => ({
    min: Math.min(p.retryDelayMax, p.retryDelay * 2 ** n),
    max: Math.min(p.retryDelayMax, p.retryDelay * 2 ** (n + 1)),
  }));
}
