import type { MessageHandler } from './pubsub.js';

export type PubSubErrorReporter = (err: unknown, channel: string) => void;

interface Subscription {
  handler: MessageHandler;
}

/**
 * Local bookkeeping shared by both PubSub implementations: channel -> subscriptions, and a
 * dispatch that isolates handlers. A throwing (or rejecting) handler is reported and the other
 * handlers, and the subscription itself, carry on.
 */
export class SubscriptionRegistry {
  readonly #channels = new Map<string, Set<Subscription>>();

  constructor(private readonly onError: PubSubErrorReporter) {}

  /** Adds a subscription; `first` is true when the channel had none (time to SUBSCRIBE). */
  add(channel: string, handler: MessageHandler): { subscription: Subscription; first: boolean } {
    let subs = this.#channels.get(channel);
    const first = !subs;
    if (!subs) {
      subs = new Set();
      this.#channels.set(channel, subs);
    }
    // A fresh object per call: the same function subscribed twice is two subscriptions.
    const subscription = { handler };
    subs.add(subscription);
    return { subscription, first };
  }

  /** Removes a subscription; true when the channel has none left (time to UNSUBSCRIBE). */
  remove(channel: string, subscription: Subscription): boolean {
    const subs = this.#channels.get(channel);
    if (!subs || !subs.delete(subscription)) return false;
    if (subs.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }

  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  channels(): string[] {
    return [...this.#channels.keys()];
  }

  clear(): void {
    this.#channels.clear();
  }

  /** Decodes a JSON payload once and hands the same value to every current handler of channel. */
  dispatch(channel: string, payload: string): void {
    const subs = this.#channels.get(channel);
    if (!subs || subs.size === 0) return;
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch (err) {
      this.onError(err, channel);
      return;
    }
    for (const { handler } of [...subs]) {
      try {
        // MessageHandler returns void, but an async handler still hands back a promise.
        const result = handler(message) as unknown;
        if (result instanceof Promise) result.catch((err: unknown) => this.onError(err, channel));
      } catch (err) {
        this.onError(err, channel);
      }
    }
  }
}

/** JSON with `undefined` mapped to null, so every message has a wire form. */
export function encodeMessage(message: unknown): string {
  return JSON.stringify(message ?? null);
}
