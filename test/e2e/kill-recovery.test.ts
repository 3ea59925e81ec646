import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adminWithNumber,
  apiOf,
  CRASH_TEST_TIMEOUT_MS,
  crashWorld,
  customer,
  customerTexts,
  deliver,
  RECOVERED_WITHIN_MS,
  type CrashWorld,
  type Page,
} from '../helpers/crash-world.js';
import type { RunningServer } from '../helpers/server-process.js';

interface WebhookEventDto {
  received_at: string;
  processed_at: string | null;
}

describe('kill -9 of the server process between webhook intake and processing', () => {
  let w: CrashWorld;
  beforeEach(async () => {
    w = await crashWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it(
    'after a restart and Meta\u2019s redelivery, every message exists once and every event is processed',
    async () => {
      const first = await w.start();
      const token = await adminWithNumber(w, first);
      // A burst of 200 webhooks from 20 customers, one message each; then one of Meta's batches, of
      // 100 messages, which takes far longer to process than the moment between its 200 and the kill.
      const single = Array.from({ length: 200 }, (_, i) => [`wamid.burst-${i}`]);
      const batch = Array.from({ length: 100 }, (_, i) => `wamid.batch-${i}`);
      const bodies = [...single, batch].map((wamids, i) => customerTexts(w, customer(i % 20), wamids));
      const acknowledged = async (server: RunningServer, list: string[]) =>
        expect(await Promise.all(list.map((b) => deliver(w, server, b)))).toEqual(list.map(() => 200));

      await acknowledged(first, bodies.slice(0, single.length));
      await acknowledged(first, bodies.slice(single.length));
      await first.killHard();
      const killedAt = Date.now();

      const second = await w.start();
      await acknowledged(second, bodies);
      const api = apiOf(second, token);
      const count = async (status: string) =>
        (await api<Page<unknown>>('GET', `/webhook-events?status=${status}&limit=1`)).meta.total;
      await vi.waitFor(
        async () => {
          const counts = await Promise.all(['received', 'processing', 'processed', 'failed'].map(count));
          expect(counts).toEqual([0, 0, 2 * bodies.length, 0]);
        },
        { timeout: RECOVERED_WITHIN_MS, interval: 250 },
      );

      const events: WebhookEventDto[] = [];
      for (let page = 1; page <= 5; page++) {
        events.push(
          ...(await api<Page<WebhookEventDto>>('GET', `/webhook-events?limit=100&page=${page}`)).data,
        );
      }
      // The kill came between their intake and the end of their processing (the batch at least).
      const interrupted = events.filter(
        (e) => Date.parse(e.received_at) < killedAt && Date.parse(e.processed_at!) > killedAt,
      );
      expect(interrupted.length).toBeGreaterThanOrEqual(1);

      const stored: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const list = await api<Page<{ whatsapp_message_id: string }>>(
          'GET',
          `/messages?sender_type=contact&limit=100&page=${page}`,
        );
        stored.push(...list.data.map((m) => m.whatsapp_message_id));
      }
      expect(stored.sort()).toEqual([...single.flat(), ...batch].sort());
      expect((await api<Page<unknown>>('GET', '/conversations?limit=1')).meta.total).toBe(20);
    },
    CRASH_TEST_TIMEOUT_MS,
  );
});
