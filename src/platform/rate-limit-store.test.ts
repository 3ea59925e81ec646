import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, redisClients, redisUrl, uniquePrefix } from '../../test/platform/redis-targets.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { createMemoryRateLimitStore } from './rate-limit-store.memory.js';
import { createRedisRateLimitStore } from './rate-limit-store.redis.js';

const prefix = uniquePrefix('rate-limit');
const clients = redisClients();

interface Target {
  name: string;
  /** A store as one app instance would have it; on Redis each call is a separate connection. */
  create: () => RateLimitStore;
}

const targets: Target[] = [{ name: 'memory', create: () => createMemoryRateLimitStore() }];
if (redisUrl) {
  targets.push({
    name: 'redis',
    create: () => createRedisRateLimitStore(clients.open(), { keyPrefix: prefix }),
  });
}

afterAll(async () => {
  if (redisUrl) await deleteByPrefix(clients.open(), prefix);
  await clients.closeAll();
});

let n = 0;
/** A key no other case in this file uses. */
const key = (name: string): string => `${name}:${++n}`;

describe.each(targets)('RateLimitStore contract ($name)', ({ create }) => {
  const store = create();
  afterAll(() => store.close());

  it('counts hits within a window and reports the time left', async () => {
    const k = key('count');
    const first = await store.hit(k, 10_000);
    expect(first.count).toBe(1);
    expect(first.resetInMs).toBeGreaterThan(9_000);
    expect(first.resetInMs).toBeLessThanOrEqual(10_000);
    await sleep(30);
    const second = await store.hit(k, 10_000);
    const third = await store.hit(k, 10_000);
    expect([second.count, third.count]).toEqual([2, 3]);
    // A fixed window: later hits do not push the reset further out.
    expect(third.resetInMs).toBeLessThan(first.resetInMs);
    expect(third.resetInMs).toBeGreaterThan(0);
  });

  it('starts a new window once the old one is over', async () => {
    const k = key('window');
    await store.hit(k, 150);
    expect((await store.hit(k, 150)).count).toBe(2);
    await sleep(250);
    const fresh = await store.hit(k, 150);
    expect(fresh.count).toBe(1);
    expect(fresh.resetInMs).toBeGreaterThan(100);
    expect(fresh.resetInMs).toBeLessThanOrEqual(150);
  });

  it('keeps keys independent', async () => {
    const a = key('a');
    const b = key('b');
    await store.hit(a, 10_000);
    await store.hit(a, 10_000);
    expect((await store.hit(b, 10_000)).count).toBe(1);
    expect((await store.hit(a, 10_000)).count).toBe(3);
  });

  it('reset() clears a key and only that key', async () => {
    const k = key('reset');
    const other = key('untouched');
    await store.hit(k, 10_000);
    await store.hit(k, 10_000);
    await store.hit(other, 10_000);
    await store.reset(k);
    expect((await store.hit(k, 10_000)).count).toBe(1);
    expect((await store.hit(other, 10_000)).count).toBe(2);
    await expect(store.reset(key('never-hit'))).resolves.toBeUndefined();
  });

  it('peek() reads the window without counting', async () => {
    const k = key('peek');
    expect(await store.peek(k)).toEqual({ count: 0, resetInMs: 0 });
    await store.hit(k, 10_000);
    await store.hit(k, 10_000);
    const seen = await store.peek(k);
    expect(seen.count).toBe(2);
    expect(seen.resetInMs).toBeGreaterThan(9_000);
    expect((await store.peek(k)).count).toBe(2);
    expect((await store.hit(k, 10_000)).count).toBe(3);
  });

  it('peek() sees no window once it is over', async () => {
    const k = key('peek-over');
    await store.hit(k, 100);
    await sleep(200);
    expect(await store.peek(k)).toEqual({ count: 0, resetInMs: 0 });
  });

  it('counts concurrent hits exactly', async () => {
    const k = key('concurrent');
    const results = await Promise.all(Array.from({ length: 50 }, () => store.hit(k, 10_000)));
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('rejects a window that is not positive', async () => {
    await expect(store.hit(key('bad'), 0)).rejects.toThrow(RangeError);
  });
});

describe('memory RateLimitStore', () => {
  it('sweeps finished windows', async () => {
    const store = createMemoryRateLimitStore({ sweepIntervalMs: 20 });
    for (let i = 0; i < 100; i++) await store.hit(`k${i}`, 10);
    await store.hit('keep', 60_000);
    expect(store.size).toBe(101);
    await sleep(80);
    expect(store.size).toBe(1);
    await store.close();
  });
});

describe.runIf(redisUrl)('redis RateLimitStore', () => {
  it('two store instances share the count', async () => {
    const a = createRedisRateLimitStore(clients.open(), { keyPrefix: prefix });
    const b = createRedisRateLimitStore(clients.open(), { keyPrefix: prefix });
    const k = key('shared');
    expect((await a.hit(k, 10_000)).count).toBe(1);
    expect((await b.hit(k, 10_000)).count).toBe(2);
    expect((await a.hit(k, 10_000)).count).toBe(3);
    await b.reset(k);
    expect((await a.hit(k, 10_000)).count).toBe(1);
  });

  it('stores the counter under its prefix with the window as expiry', async () => {
    const raw = clients.open();
    const store = createRedisRateLimitStore(raw, { keyPrefix: prefix });
    const k = key('raw');
    await store.hit(k, 5_000);
    expect(await raw.get(`${prefix}${k}`)).toBe('1');
    const ttl = await raw.pttl(`${prefix}${k}`);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
  });
});
