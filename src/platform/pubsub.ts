export type MessageHandler = (message: unknown) => void;

/**
 * Fire-and-forget messages between instances (JSON-serialisable payloads).
 * In-process by default; Redis PUBLISH/SUBSCRIBE when REDIS_URL is set.
 */
export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes this handler. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
