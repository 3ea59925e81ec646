import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { redisClients, redisUrl, uniquePrefix } from '../../test/platform/redis-targets.js';
import type { MessageHandler, PubSub } from './pubsub.js';
import { createMemoryPubSub } from './pubsub.memory.js';
import { createRedisPubSub } from './pubsub.redis.js';

const prefix = uniquePrefix('pubsub');
const clients = redisClients();
/** Handler failures reported by any PubSub in this file. */
const reported: { err: unknown; channel: string }[] = [];
const onHandlerError = (err: unknown, channel: string): void => void reported.push({ err, channel });

interface Target {
  name: string;
  /** A PubSub as one app instance would have it; on Redis each call is a separate connection. */
  create: () => PubSub;
}

const targets: Target[] = [{ name: 'memory', create: () => createMemoryPubSub({ onHandlerError }) }];
if (redisUrl) {
  targets.push({
    name: 'redis',
    create: () => createRedisPubSub(clients.open(), { keyPrefix: prefix, onHandlerError }),
  });
}

afterAll(() => clients.closeAll());

let n = 0;
/** A channel no other case in this file uses. */
const channel = (name: string): string => `${name}:${++n}`;

/** Records what a handler received. */
function recorder(): MessageHandler & { received: unknown[] } {
  const received: unknown[] = [];
  return Object.assign((message: unknown) => void received.push(message), { received });
}

const waitFor = (assertion: () => void): Promise<void> =>
  vi.waitFor(assertion, { timeout: 3_000, interval: 5 });

describe.each(targets)('PubSub contract ($name)', ({ create }) => {
  const pubsub = create();
  afterAll(() => pubsub.close());

  /**
   * Publishes `marker` on its own channel after everything else and waits for it: messages from
   * one publisher arrive in order, so once the marker is in, anything else that was going to be
   * delivered has been.
   */
  async function flush(): Promise<void> {
    const c = channel('marker');
    const marker = recorder();
    const off = await pubsub.subscribe(c, marker);
    await pubsub.publish(c, 'marker');
    await waitFor(() => expect(marker.received).toEqual(['marker']));
    await off();
  }

  it('delivers to every subscriber of the channel, and only of that channel', async () => {
    const c1 = channel('a');
    const c2 = channel('b');
    const h1 = recorder();
    const h2 = recorder();
    const other = recorder();
    await pubsub.subscribe(c1, h1);
    await pubsub.subscribe(c1, h2);
    await pubsub.subscribe(c2, other);
    await pubsub.publish(c1, { hello: 'world' });
    await waitFor(() => {
      expect(h1.received).toEqual([{ hello: 'world' }]);
      expect(h2.received).toEqual([{ hello: 'world' }]);
    });
    await flush();
    expect(other.received).toEqual([]);
  });

  it('round-trips JSON payloads in publish order', async () => {
    const c = channel('json');
    const h = recorder();
    await pubsub.subscribe(c, h);
    const when = new Date('2024-05-01T10:00:00.000Z');
    const payloads: unknown[] = [
      { nested: { list: [1, 'two', null, true] } },
      'text',
      42,
      null,
      { when },
      undefined,
    ];
    for (const p of payloads) await pubsub.publish(c, p);
    await waitFor(() => expect(h.received).toHaveLength(payloads.length));
    expect(h.received).toEqual([
      { nested: { list: [1, 'two', null, true] } },
      'text',
      42,
      null,
      { when: '2024-05-01T10:00:00.000Z' },
      null,
    ]);
  });

  it('receivers do not share the publisher object', async () => {
    const c = channel('copy');
    const h = recorder();
    await pubsub.subscribe(c, h);
    const payload = { count: 1 };
    await pubsub.publish(c, payload);
    payload.count = 2;
    await waitFor(() => expect(h.received).toEqual([{ count: 1 }]));
  });

  it('unsubscribe stops delivery to that handler only', async () => {
    const c = channel('unsub');
    const h1 = recorder();
    const h2 = recorder();
    const off1 = await pubsub.subscribe(c, h1);
    const off2 = await pubsub.subscribe(c, h2);
    await off1();
    await off1(); // idempotent
    await pubsub.publish(c, 1);
    await waitFor(() => expect(h2.received).toEqual([1]));
    await off2();
    await pubsub.publish(c, 2);
    await flush();
    expect(h1.received).toEqual([]);
    expect(h2.received).toEqual([1]);
  });

  it('the same function subscribed twice is two subscriptions', async () => {
    const c = channel('twice');
    const h = recorder();
    const off1 = await pubsub.subscribe(c, h);
    await pubsub.subscribe(c, h);
    await pubsub.publish(c, 'x');
    await waitFor(() => expect(h.received).toEqual(['x', 'x']));
    await off1();
    await pubsub.publish(c, 'y');
    await waitFor(() => expect(h.received).toEqual(['x', 'x', 'y']));
  });

  it('can subscribe again after the last handler left', async () => {
    const c = channel('again');
    const h = recorder();
    const off = await pubsub.subscribe(c, h);
    await off();
    await pubsub.subscribe(c, h);
    await pubsub.publish(c, 'back');
    await waitFor(() => expect(h.received).toEqual(['back']));
  });

  it('a throwing or rejecting handler neither kills the subscription nor starves other handlers', async () => {
    const c = channel('errors');
    const good = recorder();
    let calls = 0;
    await pubsub.subscribe(c, () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    });
    await pubsub.subscribe(c, () => Promise.reject(new Error('async boom')));
    await pubsub.subscribe(c, good);
    const before = reported.length;
    await pubsub.publish(c, 1);
    await pubsub.publish(c, 2);
    await waitFor(() => expect(good.received).toEqual([1, 2]));
    await waitFor(() => expect(calls).toBe(2));
    await waitFor(() => expect(reported.length - before).toBe(3));
    const mine = reported.slice(before);
    expect(mine.every((r) => r.channel === c)).toBe(true);
    expect(mine.map((r) => (r.err as Error).message).sort()).toEqual(['async boom', 'async boom', 'boom']);
  });

  it('publishing to a channel nobody listens to is fine', async () => {
    await expect(pubsub.publish(channel('nobody'), { x: 1 })).resolves.toBeUndefined();
  });

  it('rejects a payload that is not JSON-serialisable', async () => {
    await expect(pubsub.publish(channel('bad'), { big: 1n })).rejects.toThrow();
  });

  it('subscribe rejects after close', async () => {
    const closed = create();
    await closed.close();
    await expect(closed.subscribe(channel('closed'), () => undefined)).rejects.toThrow(/closed/);
  });
});

describe.runIf(redisUrl)('redis PubSub across instances', () => {
  it('two separate instances see each other’s messages', async () => {
    const a = createRedisPubSub(clients.open(), { keyPrefix: prefix, onHandlerError });
    const b = createRedisPubSub(clients.open(), { keyPrefix: prefix, onHandlerError });
    const c = channel('multi');
    const onA = recorder();
    const onB = recorder();
    await a.subscribe(c, onA);
    await b.subscribe(c, onB);
    await a.publish(c, 'from a');
    await b.publish(c, 'from b');
    await waitFor(() => {
      expect(onA.received).toEqual(['from a', 'from b']);
      expect(onB.received).toEqual(['from a', 'from b']);
    });
    await a.close();
    await b.close();
  });

  it('uses the key prefix for channels and ignores other prefixes', async () => {
    const raw = clients.open();
    const pubsub = createRedisPubSub(raw, { keyPrefix: prefix, onHandlerError });
    const otherPrefix = createRedisPubSub(clients.open(), { keyPrefix: `${prefix}other:`, onHandlerError });
    const c = channel('prefixed');
    const h = recorder();
    const stranger = recorder();
    await pubsub.subscribe(c, h);
    await otherPrefix.subscribe(c, stranger);
    expect(await raw.publish(`${prefix}${c}`, JSON.stringify({ raw: true }))).toBe(1);
    await waitFor(() => expect(h.received).toEqual([{ raw: true }]));
    await sleep(20);
    expect(stranger.received).toEqual([]);
    await pubsub.close();
    await otherPrefix.close();
  });

  it('reports a message that is not JSON instead of dying', async () => {
    const raw = clients.open();
    const pubsub = createRedisPubSub(raw, { keyPrefix: prefix, onHandlerError });
    const c = channel('garbage');
    const h = recorder();
    await pubsub.subscribe(c, h);
    const before = reported.length;
    await raw.publish(`${prefix}${c}`, '{not json');
    await pubsub.publish(c, 'ok');
    await waitFor(() => expect(h.received).toEqual(['ok']));
    expect(reported.length - before).toBe(1);
    await pubsub.close();
  });
});
