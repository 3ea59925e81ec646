import { randomBytes } from 'node:crypto';
import type { Delivery } from './control.schema.js';
import { signBody } from './wire.js';

export interface PostWebhook {
  /** The number the webhook is about (the delivery log is kept per number). */
  phoneNumberId: string;
  kind: Delivery['kind'];
  /** The exact bytes to post. */
  body: string;
  /** The app secret to sign with; without one the post goes unsigned, as a misconfigured app would see. */
  appSecret: string | undefined;
  signature?: 'valid' | 'invalid' | 'none';
}

const KEEP_PER_NUMBER = 500;
const POST_TIMEOUT_MS = 10_000;
const RESPONSE_KEEP_CHARS = 2000;

/**
 * Posts webhooks the way Meta does (JSON, X-Hub-Signature-256) and keeps what was posted and
 * how the app answered. Background work (status timelines) is tracked so tests can wait for it
 * and shutdown can cancel it.
 */
export function createWebhookSender(webhookUrl: () => string) {
  const deliveries = new Map<string, Delivery[]>();
  const inflight = new Set<Promise<unknown>>();
  const stopper = new AbortController();
  let seq = 0;

  function signatureFor(p: PostWebhook): string | null {
    if (p.signature === 'none') return null;
    if (p.signature === 'invalid') return signBody(p.body, randomBytes(16).toString('hex'));
    return p.appSecret ? signBody(p.body, p.appSecret) : null;
  }

  function record(delivery: Delivery) {
    const list = deliveries.get(delivery.phone_number_id) ?? [];
    list.push(delivery);
    if (list.length > KEEP_PER_NUMBER) list.shift();
    deliveries.set(delivery.phone_number_id, list);
  }

  return {
    async post(p: PostWebhook): Promise<Delivery> {
      const url = webhookUrl();
      const signature = signatureFor(p);
      const delivery: Delivery = {
        id: ++seq,
        phone_number_id: p.phoneNumberId,
        kind: p.kind,
        url,
        body: p.body,
        signature,
        status_code: null,
        response: null,
        error: null,
        sent_at: new Date().toISOString(),
      };
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'facebookexternalua',
            ...(signature ? { 'x-hub-signature-256': signature } : {}),
          },
          body: p.body,
          signal: AbortSignal.any([stopper.signal, AbortSignal.timeout(POST_TIMEOUT_MS)]),
        });
        delivery.status_code = res.status;
        delivery.response = (await res.text()).slice(0, RESPONSE_KEEP_CHARS);
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
      record(delivery);
      return delivery;
    },

    deliveries: (phoneNumberId: string): Delivery[] => [...(deliveries.get(phoneNumberId) ?? [])],

    /** Runs work in the background, tracked until it settles; its failure is reported, not thrown. */
    spawn(work: () => Promise<void>, onError: (err: unknown) => void) {
      const task = work().catch(onError);
      inflight.add(task);
      void task.finally(() => inflight.delete(task));
    },

    /** Waits ms, or less when the simulator stops; false when stopped. */
    sleep(ms: number): Promise<boolean> {
      if (stopper.signal.aborted) return Promise.resolve(false);
      return new Promise((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        const timer = setTimeout(() => {
          stopper.signal.removeEventListener('abort', onAbort);
          resolve(true);
        }, ms);
        stopper.signal.addEventListener('abort', onAbort, { once: true });
      });
    },

    /** Resolves when every background task (and what they started) has finished. */
    async settle() {
      while (inflight.size) await Promise.allSettled([...inflight]);
    },

    stop() {
      stopper.abort();
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
