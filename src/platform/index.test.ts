import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteByPrefix, redisClients, redisUrl, uniquePrefix } from '../../test/platform/redis-targets.js';
import { createPlatform, type PlatformLogger } from './index.js';

const prefix = uniquePrefix('platform');
const clients = redisClients();
afterAll(async () => {
  if (redisUrl) await deleteByPrefix(clients.open(), prefix);
  await clients.closeAll();
});

const silent: PlatformLogger = { warn: () => undefined, error: () => undefined };

describe('createPlatform', () => {
  it('runs in-process without a Redis URL', async () => {
    const platform = createPlatform();
    expect(platform.redis).toBeUndefined();
    await platform.kv.set('k', 'v', 10);
    expect(await platform.kv.get('k')).toBe('v');
    expect((await platform.rateLimitStore.hit('k', 1_000)).count).toBe(1);
    const received: unknown[] = [];
    await platform.pubsub.subscribe('c', (m) => void received.push(m));
    await platform.pubsub.publish('c', { ok: true });
    await vi.waitFor(() => expect(received).toEqual([{ ok: true }]));
    await platform.close();
    await platform.close(); // idempotent
  });

  it.runIf(redisUrl)('uses Redis with namespaced keys, shared by every instance', async () => {
    const a = createPlatform({ redisUrl, keyPrefix: prefix, logger: silent });
    const b = createPlatform({ redisUrl, keyPrefix: prefix, logger: silent });
    try {
      expect(a.redis).toBeDefined();
      await a.kv.set('k', 'from-a', 30);
      expect(await b.kv.get('k')).toBe('from-a');
      expect(await a.redis!.get(`${prefix}kv:k`)).toBe('from-a');

      await a.rateLimitStore.hit('k', 10_000);
      expect((await b.rateLimitStore.hit('k', 10_000)).count).toBe(2);
      expect(await a.redis!.get(`${prefix}rl:k`)).toBe('2');

      const received: unknown[] = [];
      await b.pubsub.subscribe('c', (m) => void received.push(m));
      await a.pubsub.publish('c', 'hello');
      await vi.waitFor(() => expect(received).toEqual(['hello']));
    } finally {
      await a.close();
      await b.close();
    }
    expect(a.redis!.status).toBe('end');
  });

  it("serves kv and rate limits from this instance's memory while Redis is unreachable, and closes promptly", async () => {
    const warnings: unknown[] = [];
    // Nothing listens on port 1.
    const platform = createPlatform({
      redisUrl: 'redis://127.0.0.1:1',
      keyPrefix: prefix,
      logger: { warn: (obj) => void warnings.push(obj), error: () => undefined },
    });
    // The first command waits for the first connection attempt, then falls back.
    await platform.kv.set('k', 'v', 10);
    const started = Date.now();
    expect(await platform.kv.get('k')).toBe('v');
    expect((await platform.rateLimitStore.hit('k', 1_000)).count).toBe(1);
    expect((await platform.rateLimitStore.hit('k', 1_000)).count).toBe(2);
    // From then on the memory answers at once instead of waiting out the reconnect attempts.
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(warnings.length).toBeGreaterThan(0);
    const closing = Date.now();
    await platform.close();
    expect(Date.now() - closing).toBeLessThan(1_500);
  });
});
