import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../platform/rate-limit-store.memory.js';
import {
  acceptedSends,
  closeWorld,
  customerConversation,
  messageReaches,
  outboundWorld,
  postMessage,
  type OutboundWorld,
} from './outbound.test-helpers.js';
import { createPacer } from './pacing.js';

describe('pacer', () => {
  it('lets `rate` calls per second through per number and makes the rest wait, never dropping one', async () => {
    let now = 0;
    const store = createMemoryRateLimitStore({ now: () => now });
    const pacer = createPacer({
      store,
      ratePerSecond: 3,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await pacer.acquire('106540352242922');
      times.push(now);
    }
    const perSecond = times.reduce<Record<number, number>>((acc, t) => {
      const second = Math.floor(t / 1000);
      acc[second] = (acc[second] ?? 0) + 1;
      return acc;
    }, {});
    expect(Object.values(perSecond)).toEqual([3, 3, 1]);
    // Another number has its own budget.
    await pacer.acquire('106540352242923');
    expect(now).toBe(times.at(-1));
    await store.close();
  });
});

describe('pacing of sends (simulator)', () => {
  const RATE = 5;
  let w: OutboundWorld;
  beforeAll(async () => {
    w = await outboundWorld({ WHATSAPP_SEND_RATE: String(RATE) });
  });
  afterAll(async () => {
    await closeWorld(w);
  });

  it('sends 20 messages at 5 per second: all of them, each once', async () => {
    const { conversation, waId } = await customerConversation(w);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await postMessage(w, { conversation_id: conversation.id, body: `message ${i}` });
      ids.push(res.json().id);
    }
    const rows = await Promise.all(ids.map((id) => messageReaches(w, id, 'sent', 'delivered', 'read')));

    const sends = acceptedSends(w).filter((r) => (r.body as { to: string }).to === waId);
    expect(sends).toHaveLength(20);
    const texts = sends.map((r) => (r.body as { text: { body: string } }).text.body).sort();
    expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i}`).sort());
    expect(new Set(rows.map((r) => r.whatsappMessageId)).size).toBe(20);
    const times = sends.map((r) => Date.parse(r.received_at)).sort((a, b) => a - b);
    // Four one-second windows of five: the last starts at least three seconds after the first.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2_800);
  });
});
