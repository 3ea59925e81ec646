import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteByPrefix, redisClients, redisUrl, uniquePrefix } from '../../test/platform/redis-targets.js';
import type { KeyValueStore } from './kv.js';
import { createMemoryKeyValueStore } from './kv.memory.js';
import { createRedisKeyValueStore } from './kv.redis.js';

const prefix = uniquePrefix('kv');
const clients = redisClients();

interface Target {
  name: string;
  /** A store as one app instance would have it; on Redis each call is a separate connection. */
  create: () => KeyValueStore;
}

const targets: Target[] = [{ name: 'memory', create: () => createMemoryKeyValueStore() }];
if (redisUrl) {
  targets.push({
    name: 'redis',
    create: () => createRedisKeyValueStore(clients.open(), { keyPrefix: prefix }),
  });
}

afterAll(async () => {
  if (redisUrl) await deleteByPrefix(clients.open(), prefix);
  await clients.closeAll();
});

let n = 0;
/** A key no other case in this file uses. */
const key = (name: string): string => `${name}:${++n}`;

describe.each(targets)('KeyValueStore contract ($name)', ({ create }) => {
  const store = create();
  afterAll(() => store.close());

  it('returns null for a missing key', async () => {
    expect(await store.get(key('missing'))).toBeNull();
  });

  it('stores and reads back a value, and overwrites it', async () => {
    const k = key('set');
    await store.set(k, 'one', 60);
    expect(await store.get(k)).toBe('one');
    await store.set(k, 'two', 60);
    expect(await store.get(k)).toBe('two');
  });

  it('keeps unicode and empty strings intact', async () => {
    const k1 = key('unicode');
    const k2 = key('empty');
    await store.set(k1, 'olá 👋 مرحبا', 60);
    await store.set(k2, '', 60);
    expect(await store.get(k1)).toBe('olá 👋 مرحبا');
    expect(await store.get(k2)).toBe('');
  });

  it('expires a key after its ttl', async () => {
    const k = key('expiry');
    await store.set(k, 'soon gone', 0.15);
    expect(await store.get(k)).toBe('soon gone');
    await sleep(250);
    expect(await store.get(k)).toBeNull();
  });

  it('set() renews the ttl', async () => {
    const k = key('renew');
    await store.set(k, 'a', 0.15);
    await store.set(k, 'b', 60);
    await sleep(250);
    expect(await store.get(k)).toBe('b');
  });

  it('setIfAbsent stores only when the key is absent', async () => {
    const k = key('nx');
    expect(await store.setIfAbsent(k, 'first', 60)).toBe(true);
    expect(await store.setIfAbsent(k, 'second', 60)).toBe(false);
    expect(await store.get(k)).toBe('first');
  });

  it('setIfAbsent succeeds again once the previous value expired', async () => {
    const k = key('nx-expiry');
    expect(await store.setIfAbsent(k, 'first', 0.15)).toBe(true);
    await sleep(250);
    expect(await store.setIfAbsent(k, 'second', 60)).toBe(true);
    expect(await store.get(k)).toBe('second');
  });

  it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
    const k = key('nx-race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.setIfAbsent(k, `v${i}`, 60)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('del removes a key, and deleting a missing key is fine', async () => {
    const k = key('del');
    await store.set(k, 'x', 60);
    await store.del(k);
    expect(await store.get(k)).toBeNull();
    expect(await store.setIfAbsent(k, 'y', 60)).toBe(true);
    await expect(store.del(key('never-set'))).resolves.toBeUndefined();
  });

  it('rejects a ttl that is not positive', async () => {
    await expect(store.set(key('ttl'), 'x', 0)).rejects.toThrow(RangeError);
    await expect(store.setIfAbsent(key('ttl'), 'x', -1)).rejects.toThrow(RangeError);
  });
});

describe('memory KeyValueStore', () => {
  it('sweeps expired keys that are never read again', async () => {
    const store = createMemoryKeyValueStore({ sweepIntervalMs: 20 });
    for (let i = 0; i < 100; i++) await store.set(`k${i}`, 'v', 0.01);
    await store.set('keep', 'v', 60);
    expect(store.size).toBe(101);
    await sleep(80);
    expect(store.size).toBe(1);
    await store.close();
  });
});

describe.runIf(redisUrl)('redis KeyValueStore', () => {
  it('writes under its key prefix with a ttl', async () => {
    const raw = clients.open();
    const store = createRedisKeyValueStore(raw, { keyPrefix: prefix });
    await store.set('prefixed', 'v', 30);
    expect(await raw.get(`${prefix}prefixed`)).toBe('v');
    const ttl = await raw.pttl(`${prefix}prefixed`);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('two instances see the same keys; another prefix does not', async () => {
    const a = createRedisKeyValueStore(clients.open(), { keyPrefix: prefix });
    const b = createRedisKeyValueStore(clients.open(), { keyPrefix: prefix });
    const other = createRedisKeyValueStore(clients.open(), { keyPrefix: `${prefix}other:` });
    await a.set('shared', 'from-a', 30);
    expect(await b.get('shared')).toBe('from-a');
    expect(await b.setIfAbsent('shared', 'from-b', 30)).toBe(false);
    expect(await other.get('shared')).toBeNull();
  });
});
