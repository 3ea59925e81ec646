import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test/helpers/db.js';
import type { Database } from '../db/client.js';
import { createQueue, type Job, type Queue } from './queue.js';
import type { PlatformLogger } from './redis.js';

const logged: { level: 'warn' | 'error'; obj: object; msg: string | undefined }[] = [];
const logger: PlatformLogger = {
  warn: (obj, msg) => void logged.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => void logged.push({ level: 'error', obj, msg }),
};

const waitFor = (assertion: () => void | Promise<void>): Promise<void> =>
  vi.waitFor(assertion, { timeout: 10_000, interval: 20 });

let database: Database;
let queue: Queue;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table queue_test_item (id text primary key)`);
  queue = createQueue(database, {
    queues: [
      { name: 'items' },
      { name: 'plain' },
      { name: 'batch' },
      { name: 'flaky', retryLimit: 1, retryDelay: 0, deadLetter: 'flaky.dead' },
    ],
    logger,
    pollingIntervalSeconds: 0.5,
  });
  await queue.start();
});

afterAll(async () => {
  await queue?.stop();
  await database?.close();
});

async function itemExists(id: string): Promise<boolean> {
  const result: unknown = await database.db.execute(sql`select id from queue_test_item where id = ${id}`);
  return (result as { rows: unknown[] }).rows.length === 1;
}

describe('queue (pg-boss on the app database)', () => {
  it('declares every queue and its dead letter queue at start', async () => {
    const names = (await queue.boss.getQueues()).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['items', 'plain', 'batch', 'flaky', 'flaky.dead']));
    const flaky = await queue.boss.getQueue('flaky');
    expect(flaky).toMatchObject({ retryLimit: 1, retryDelay: 0, deadLetter: 'flaky.dead' });
  });

  it('a job sent inside a transaction is committed with its row and then processed', async () => {
    const processed: string[] = [];
    await queue.work<{ itemId: string }>('items', async (job) => {
      // The worker sees the row: the job cannot run before its transaction committed.
      expect(await itemExists(job.data.itemId)).toBe(true);
      processed.push(job.data.itemId);
    });
    const jobId = await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into queue_test_item (id) values ('committed')`);
      return queue.send('items', { itemId: 'committed' }, { tx });
    });
    expect(jobId).toEqual(expect.any(String));
    expect(await itemExists('committed')).toBe(true);
    expect(await queue.boss.findJobs('items', { id: jobId! })).toHaveLength(1);
    await waitFor(() => expect(processed).toEqual(['committed']));
    await waitFor(async () => {
      const [job] = await queue.boss.findJobs('items', { id: jobId! });
      expect(job?.state).toBe('completed');
    });
  });

  it('a rolled-back transaction leaves neither the row nor the job', async () => {
    let jobId: string | null = null;
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into queue_test_item (id) values ('rolled-back')`);
        jobId = await queue.send('items', { itemId: 'rolled-back' }, { tx });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(jobId).toEqual(expect.any(String));
    expect(await itemExists('rolled-back')).toBe(false);
    expect(await queue.boss.findJobs('items', { id: jobId! })).toEqual([]);
    expect(await queue.boss.findJobs('items', { data: { itemId: 'rolled-back' } })).toEqual([]);
  });

  it('a worker processes a job sent outside a transaction', async () => {
    const seen: Job<{ n: number }>[] = [];
    await queue.work<{ n: number }>('plain', (job) => Promise.resolve(void seen.push(job)));
    const id = await queue.send('plain', { n: 7 });
    await waitFor(() => expect(seen.map((j) => [j.id, j.data.n])).toEqual([[id, 7]]));
  });

  // A poll interval far above the 10 s waitFor: only draining and wake() can pass these.
  const SLOW_POLL = { pollingIntervalSeconds: 60 };

  it('a worker drains a backlog one job after another, without a poll interval between jobs', async () => {
    await queue.declareQueue({ name: 'backlog' });
    for (let n = 0; n < 12; n++) await queue.send('backlog', { n });
    const seen: number[] = [];
    await queue.work<{ n: number }>('backlog', (job) => Promise.resolve(void seen.push(job.data.n)), {
      ...SLOW_POLL,
      localConcurrency: 2,
    });
    await waitFor(() => expect(seen.sort((a, b) => a - b)).toEqual([...Array(12).keys()]));
  });

  it('wake() makes an idle worker fetch a job committed after its last poll', async () => {
    await queue.declareQueue({ name: 'wakeable' });
    const seen: number[] = [];
    await queue.work<{ n: number }>('wakeable', (job) => Promise.resolve(void seen.push(job.data.n)), {
      ...SLOW_POLL,
      localConcurrency: 3,
    });
    // Let every worker finish its first (empty) fetch and fall asleep.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let n = 0; n < 3; n++) {
      await database.db.transaction((tx) => queue.send('wakeable', { n }, { tx }));
      queue.wake('wakeable');
      await waitFor(() => expect(seen).toContain(n));
    }
  });

  it('batch workers receive several jobs at once', async () => {
    const batches: number[][] = [];
    for (let n = 0; n < 5; n++) await queue.send('batch', { n });
    await queue.workBatch<{ n: number }>(
      'batch',
      (jobs) => Promise.resolve(void batches.push(jobs.map((j) => j.data.n))),
      { batchSize: 2 },
    );
    await waitFor(() => expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4]));
    expect(Math.max(...batches.map((b) => b.length))).toBe(2);
  });

  it('a failing job is retried, then moved to the dead letter queue', async () => {
    const attempts: number[] = [];
    await queue.work<{ order: string }>('flaky', (job) => {
      attempts.push(job.retryCount);
      return Promise.reject(new Error(`cannot process ${job.data.order}`));
    });
    const dead: Job<{ order: string }>[] = [];
    await queue.work<{ order: string }>('flaky.dead', (job) => Promise.resolve(void dead.push(job)));
    const id = await queue.send('flaky', { order: 'A-1' });

    await waitFor(() => expect(dead.map((j) => j.data)).toEqual([{ order: 'A-1' }]));
    expect(attempts).toEqual([0, 1]);
    const [original] = await queue.boss.findJobs('flaky', { id: id! });
    expect(original?.state).toBe('failed');
    const failures = logged.filter(
      (l) => l.msg === 'job failed' && (l.obj as { queue?: string }).queue === 'flaky',
    );
    expect(failures).toHaveLength(2);
  });

  it('refuses a transactional send to an undeclared queue instead of hanging', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await queue.send('nowhere', { x: 1 }, { tx });
      }),
    ).rejects.toThrow(/not declared/);
  });

  it('declareQueue adds a queue after start that transactional sends can use', async () => {
    await queue.declareQueue({ name: 'late', retryLimit: 0 });
    const id = await database.db.transaction((tx) => queue.send('late', { late: true }, { tx }));
    expect(await queue.boss.findJobs('late', { id: id! })).toHaveLength(1);
  });

  it('a second instance on the same database sees the jobs and applies changed queue options', async () => {
    const other = createQueue(database, {
      queues: [{ name: 'flaky', retryLimit: 3, retryDelay: 0, deadLetter: 'flaky.dead' }],
      logger,
      pollingIntervalSeconds: 0.5,
    });
    await other.start();
    try {
      expect(await other.boss.getQueue('flaky')).toMatchObject({ retryLimit: 3 });
      const id = await queue.send('plain', { n: 8 });
      expect(await other.boss.findJobs('plain', { id: id! })).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it('gives each queue without a heartbeat of its own the default one (a dead worker\u2019s job comes back after it)', async () => {
    const other = createQueue(database, {
      queues: [{ name: 'beating' }, { name: 'own-beat', heartbeatSeconds: 20 }],
      logger,
      heartbeatSeconds: 10,
      superviseIntervalSeconds: 1,
    });
    await other.start();
    try {
      expect(await other.boss.getQueue('beating')).toMatchObject({ heartbeatSeconds: 10 });
      expect(await other.boss.getQueue('own-beat')).toMatchObject({ heartbeatSeconds: 20 });
    } finally {
      await other.stop();
    }
  });

  it('stop() returns promptly with idle workers running', async () => {
    const started = Date.now();
    await queue.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(queue.send('plain', { n: 9 })).rejects.toThrow(/not started/);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });
});
