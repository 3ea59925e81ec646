import { describe, expect, it } from 'vitest';
import { outboundQueues, OutboundQueue } from './outbound-queues.js';
import { retryWaits, SEND_RETRY } from './retry-policy.js';

describe('send retry policy (API.md: first retry within 2 s, at least 10 attempts over at least an hour)', () => {
  const waits = retryWaits(SEND_RETRY);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('retries the first time within 2 seconds', () => {
    expect(waits[0]!.max).toBeLessThanOrEqual(2);
  });

  it('makes at least 10 attempts spread over at least an hour, and gives up within two', () => {
    expect(waits.length + 1).toBeGreaterThanOrEqual(10);
    expect(sum(waits.map((w) => w.min))).toBeGreaterThanOrEqual(3600);
    expect(sum(waits.map((w) => w.max))).toBeLessThanOrEqual(7200);
  });

  it('is the policy of the send and reaction queues', () => {
    for (const name of [OutboundQueue.Send, OutboundQueue.Reaction]) {
      expect(outboundQueues.find((q) => q.name === name)).toMatchObject(SEND_RETRY);
    }
  });
});
