/**
 * Short-lived key/value entries (presence, idempotency marks).
 * In-process by default; Redis when REDIS_URL is set so every instance sees the same keys.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Stores value for ttlSeconds (> 0). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Stores only when the key is absent; true when this call stored it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  del(key: string): Promise<void>;
  close(): Promise<void>;
}
