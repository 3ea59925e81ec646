import { sql } from 'drizzle-orm';
import {
  PgBoss,
  fromDrizzle,
  fromPglite,
  type ConstructorOptions,
  type DrizzleTransactionLike,
  type Job,
  type Queue as BossQueueOptions,
  type QueueResult,
  type SendOptions as BossSendOptions,
  type WorkOptions as BossWorkOptions,
} from 'pg-boss';
import type { Database, Tx } from '../db/client.js';
import type { PlatformLogger } from './redis.js';

export type { Job } from 'pg-boss';

/** A queue the app uses. Options here are the defaults of every job sent to it. */
export interface QueueDefinition {
  /** Letters, digits, `_ . - /`, e.g. 'webhook.process'. */
  name: string;
  /** Retries after the first attempt before the job fails for good (pg-boss default 2). */
  retryLimit?: number;
  /** Seconds between retries, a whole number (default 0). */
  retryDelay?: number;
  /** Exponential backoff from retryDelay (with jitter). */
  retryBackoff?: boolean;
  /** Cap of the backoff delay, seconds. */
  retryDelayMax?: number;
  /** Seconds a job may stay active before it counts as failed (default 900). */
  expireInSeconds?: number;
  /**
   * Seconds without a heartbeat after which an active job counts as failed (>= 10; its worker
   * refreshes it every half of that while the handler runs). Default: createQueue's heartbeatSeconds.
   */
  heartbeatSeconds?: number;
  /** Seconds a job may wait in created/retry before it is dropped (default 14 days). */
  retentionSeconds?: number;
  /** Seconds a finished job is kept (default 7 days, 0 = forever). */
  deleteAfterSeconds?: number;
  /**
   * Queue that receives the job once its retries are exhausted. Declared automatically (with
   * default options) when it is not itself in the definitions.
   */
  deadLetter?: string;
}

export interface CreateQueueOptions {
  queues: QueueDefinition[];
  logger?: PlatformLogger;
  /** PostgreSQL schema of pg-boss's tables; default 'pgboss'. */
  schema?: string;
  /** Default poll interval of work()/workBatch(), seconds, >= 0.5; default 2. Tests use 0.5. */
  pollingIntervalSeconds?: number;
  /** PostgreSQL only: size of pg-boss's own connection pool; default 4. */
  maxConnections?: number;
  /** Run pg-boss's cron scheduler (boss.schedule); default true. */
  schedule?: boolean;
  /**
   * Heartbeat of every queue that sets none: a job whose process died (kill -9) is retried this
   * long after its last heartbeat instead of after its expiry. Default none (expiry only).
   */
  heartbeatSeconds?: number;
  /** How often expired jobs and stale heartbeats are looked for; default 60 (pg-boss's). */
  superviseIntervalSeconds?: number;
  /** Escape hatch: raw pg-boss constructor options, applied last. */
  bossOptions?: Partial<ConstructorOptions>;
}

export interface SendOptions {
  /**
   * The caller's open drizzle transaction: the job is inserted in it, so it exists exactly when
   * the transaction commits.
   */
  tx?: Tx;
  /** With a policy or singletonSeconds: at most one job per key. */
  singletonKey?: string;
  /** Throttle: at most one job per singletonKey in this many seconds. */
  singletonSeconds?: number;
  /** Delay: seconds from now, an ISO date string or a Date. */
  startAfter?: number | string | Date;
  priority?: number;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  retryDelayMax?: number;
  expireInSeconds?: number;
  deadLetter?: string;
  /** Job id (uuid); pg-boss generates one when omitted. */
  id?: string;
}

export interface WorkOptions {
  /** Poll interval, seconds, >= 0.5; default from createQueue. */
  pollingIntervalSeconds?: number;
  /** Parallel workers for this queue in this process; default 1. */
  localConcurrency?: number;
}

export interface BatchWorkOptions extends WorkOptions {
  batchSize: number;
  /** Keep fetching without waiting while batches come back full; default true. */
  burstWhenBatchFull?: boolean;
}

/** One job; throw (or reject) to fail it, which retries it and finally dead-letters it. */
export type JobHandler<T> = (job: Job<T>) => Promise<unknown>;
/** A batch of jobs; throwing fails the whole batch. */
export type BatchJobHandler<T> = (jobs: Job<T>[]) => Promise<unknown>;

export interface StopOptions {
  /** How long in-flight jobs may take to finish before they are failed (and so retried); default 10 s. */
  timeoutMs?: number;
}

export interface Queue {
  /** The raw pg-boss instance, for what this wrapper does not cover (schedule, findJobs, ...). */
  readonly boss: PgBoss;
  /** Installs/migrates pg-boss's schema, creates (or updates) every declared queue and caches it. */
  start(): Promise<void>;
  /** Stops the workers and timers; waits for in-flight jobs up to timeoutMs. Leaves the app's database open. */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Enqueues a job; returns its id, or null when a singleton/throttle rule dropped it. Inside a
   * transaction always pass `{ tx }`: on PGlite (one connection) a send without it would wait for
   * the very transaction it is called from.
   */
  send<T extends object>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /**
   * Processes jobs one at a time per worker; returns the first worker's id. A worker that just
   * finished a job fetches the next one at once (it drains a backlog); only an empty fetch waits
   * for the poll interval.
   */
  work<T = unknown>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<string>;
  /**
   * Wakes one of this process's workers of a queue (round robin) so it fetches now instead of at
   * its next poll: call it after the transaction that enqueued a job committed.
   */
  wake(name: string): void;
  /** Processes jobs in batches; returns the worker id. */
  workBatch<T = unknown>(
    name: string,
    handler: BatchJobHandler<T>,
    options: BatchWorkOptions,
  ): Promise<string>;
  /** Stops this process's workers of a queue, waiting for their current jobs. */
  offWork(name: string): Promise<void>;
  /** Declares one more queue after start() (same rules as the start-up definitions). */
  declareQueue(definition: QueueDefinition): Promise<void>;
}

const DEFAULT_SCHEMA = 'pgboss';
/** How long a worker keeps trying to record a job's outcome while the database is unreachable. */
const SETTLE_PATIENCE_MS = 60_000;
/** An id no job has: findJobs() with it reads nothing but puts the queue in pg-boss's cache. */
const NO_JOB_ID = '00000000-0000-0000-0000-000000000000';
const OPTION_KEYS = [
  'retryLimit',
  'retryDelay',
  'retryBackoff',
  'retryDelayMax',
  'expireInSeconds',
  'heartbeatSeconds',
  'retentionSeconds',
  'deleteAfterSeconds',
  'deadLetter',
] as const satisfies readonly (keyof QueueDefinition & keyof BossQueueOptions)[];

/**
 * pg-boss on the app's own database, so a job can be written in the same transaction as the row
 * it belongs to.
 *
 * - PGlite: pg-boss drives the same PGlite instance through its `fromPglite` adapter with
 *   `backend: 'pglite'` (one connection, so every pg-boss statement queues behind open transactions).
 * - PostgreSQL: pg-boss gets the connection string and opens its own small pool rather than
 *   borrowing the app's pg.Pool. Its built-in pool is what provides LISTEN/NOTIFY and pg-boss-owned
 *   transactions (transactional workers), polling workers cannot starve HTTP requests of
 *   connections, and `stop()` can close it without touching the app's pool. Jobs sent with `tx`
 *   still go through the app's transaction, not this pool.
 */
export function createQueue(database: Database, options: CreateQueueOptions): Queue {
  const logger = options.logger ?? consoleLogger;
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const defaultPolling = options.pollingIntervalSeconds ?? 2;
  const base: ConstructorOptions = {
    schema,
    schedule: options.schedule ?? true,
    // Maintenance runs on pg-boss's own timers; all are cleared by stop(). Expiry and heartbeat checks
    // of a queue run at most once per monitor interval (shared by all instances through the queue
    // row), so both intervals move together.
    supervise: true,
    ...(options.superviseIntervalSeconds
      ? {
          superviseIntervalSeconds: options.superviseIntervalSeconds,
          monitorIntervalSeconds: options.superviseIntervalSeconds,
        }
      : {}),
    migrate: true,
    useListenNotify: false,
  };
  let bossOptions: ConstructorOptions;
  if (database.kind === 'pglite') {
    if (!database.pglite) throw new Error('createQueue: a pglite Database without its PGlite instance');
    bossOptions = { ...base, db: fromPglite(database.pglite), backend: 'pglite', ...options.bossOptions };
  } else {
    if (!database.url) throw new Error('createQueue: a postgres Database needs its url');
    bossOptions = {
      ...base,
      connectionString: database.url,
      max: options.maxConnections ?? 4,
      application_name: 'apicechat-queue',
      ...options.bossOptions,
    };
  }

  const boss = new PgBoss(bossOptions);
  // Without an 'error' listener an EventEmitter error would throw; pg-boss reports failed polls and
  // maintenance passes here and keeps going.
  boss.on('error', (err) => logger.error({ err }, 'queue error'));
  boss.on('warning', (warning) => logger.warn({ data: warning.data }, `queue warning: ${warning.message}`));

  const definitions = new Map<string, QueueDefinition>();
  const withDefaults = (def: QueueDefinition): QueueDefinition =>
    options.heartbeatSeconds && def.heartbeatSeconds === undefined
      ? { ...def, heartbeatSeconds: options.heartbeatSeconds }
      : def;
  for (const def of options.queues) addDefinition(definitions, withDefaults(def));
  /** Queues created and cached by this instance: the only ones send({ tx }) accepts. */
  const ready = new Set<string>();
  let started = false;
  /** Set by stop(): outcomes still unrecorded are left to heartbeat/expiry rather than holding the shutdown. */
  let stopping = false;
  let starting: Promise<void> | undefined;
  /** This process's single-job worker ids per queue, for wake(). */
  const workers = new Map<string, string[]>();
  const turns = new Map<string, number>();

  /** Creates (or updates) a queue, its dead letter queue first, and caches it in pg-boss. */
  async function ensure(name: string, path: string[] = []): Promise<void> {
    if (ready.has(name)) return;
    if (path.includes(name)) throw new Error(`queue dead letter cycle: ${[...path, name].join(' -> ')}`);
    const def = definitions.get(name) ?? { name };
    if (def.deadLetter) await ensure(def.deadLetter, [...path, name]);
    const wanted = pickOptions(def);
    const existing = await boss.getQueue(name);
    if (!existing) {
      await boss.createQueue(name, wanted);
    } else {
      // A changed retry policy in code must reach queues created by an earlier deploy.
      const changed = changedOptions(existing, wanted);
      if (Object.keys(changed).length > 0) await boss.updateQueue(name, changed);
    }
    // createQueue/updateQueue evict pg-boss's queue cache. With PGlite a send({ tx }) on an uncached
    // queue hangs forever (the cache lookup queues behind the caller's own open transaction), so
    // touch the queue now, outside any transaction, to put it back in the cache.
    await boss.findJobs(name, { id: NO_JOB_ID });
    ready.add(name);
  }

  function assertStarted(): void {
    if (!started) throw new Error('queue is not started: call queue.start() first');
  }

  function bossWorkOptions(o: WorkOptions): BossWorkOptions {
    return {
      pollingIntervalSeconds: o.pollingIntervalSeconds ?? defaultPolling,
      ...(o.localConcurrency ? { localConcurrency: o.localConcurrency } : {}),
    };
  }

  function logFailure(name: string, jobs: Job<unknown>[], err: unknown): void {
    logger.warn(
      { err, queue: name, jobIds: jobs.map((j) => j.id), retryCount: jobs[0]?.retryCount },
      'job failed',
    );
  }

  /**
   * Records a job's outcome, retrying while the database does not answer. pg-boss writes it itself
   * after the handler returns, but when PostgreSQL is restarting at that moment the write fails and
   * the job stays `active` until its heartbeat or expiry runs out, so work caught by a restart would
   * wait that long. The write is fenced to this attempt (the jobs carry their retryCount): pg-boss's
   * own write afterwards finds nothing left to change.
   */
  async function settle(name: string, write: () => Promise<unknown>): Promise<void> {
    const giveUpAt = Date.now() + SETTLE_PATIENCE_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        await write();
        return;
      } catch (err) {
        if (stopping || Date.now() >= giveUpAt) {
          logger.warn({ err, queue: name }, 'job outcome not recorded; the job runs again once it expires');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Runs a handler and records its outcome durably; a failure is rethrown for pg-boss to see. */
  async function run<T>(name: string, jobs: Job<T>[], handle: () => Promise<unknown>): Promise<unknown> {
    let result: unknown;
    try {
      result = await handle();
    } catch (err) {
      logFailure(name, jobs, err);
      await settle(name, () => boss.fail(name, jobs, err as object | null));
      throw err;
    }
    // As pg-boss does: a single job keeps its handler's result as the job's output.
    const output = jobs.length === 1 ? result : undefined;
    await settle(name, () => boss.complete(name, jobs, output as object | null | undefined));
    return result;
  }

  return {
    boss,

    start() {
      starting ??= (async () => {
        await boss.start();
        for (const name of definitions.keys()) await ensure(name);
        started = true;
      })().finally(() => {
        starting = undefined;
      });
      return starting;
    },

    async stop(stopOptions = {}) {
      stopping = true;
      await starting?.catch(() => undefined);
      started = false;
      ready.clear();
      workers.clear();
      // close: pg-boss closes only a pool it opened itself (PostgreSQL); the PGlite stays open.
      await boss.stop({ graceful: true, close: true, timeout: stopOptions.timeoutMs ?? 10_000 });
    },

    async send(name, data, sendOptions = {}) {
      assertStarted();
      const { tx, ...rest } = sendOptions;
      if (tx && !ready.has(name)) {
        // Refuse rather than risk the PGlite hang described in ensure().
        throw new Error(
          `queue "${name}" is not declared: add it to createQueue({ queues }) or declareQueue()`,
        );
      }
      const bossOptions: BossSendOptions = { ...rest };
      // Drizzle types execute()'s result as unknown on the driver-agnostic Db; both drivers return { rows }.
      if (tx) bossOptions.db = fromDrizzle(tx as unknown as DrizzleTransactionLike, sql);
      return boss.send(name, data, bossOptions);
    },

    async work<T>(name: string, handler: JobHandler<T>, workOptions: WorkOptions = {}) {
      assertStarted();
      // One pg-boss worker per slot, each knowing its own id: pg-boss waits a whole poll interval
      // after every single-job fetch, which would cap a queue at localConcurrency / interval jobs
      // per second. Notifying itself after a job makes the worker fetch again at once.
      // Only the first slot polls at the queue's interval; the others poll slowly and are woken by
      // the slot before them when it finds work, so a backlog gets every slot within a few fetches
      // while an idle queue costs about one query per interval, not one per slot.
      const { localConcurrency = 1, ...options } = workOptions;
      const ids: string[] = [];
      const interval = options.pollingIntervalSeconds ?? defaultPolling;
      for (let slot = 0; slot < localConcurrency; slot++) {
        const polling = slot === 0 ? interval : Math.max(interval, IDLE_SLOT_POLL_SECONDS);
        let self = '';
        const workerOptions = {
          ...bossWorkOptions({ ...options, pollingIntervalSeconds: polling }),
          batchSize: 1,
        };
        self = await boss.work<T>(name, workerOptions, async (jobs) => {
          const job = jobs[0];
          if (!job) return undefined;
          const next = ids[slot + 1];
          if (next) boss.notifyWorker(next);
          try {
            return await run(name, jobs, () => handler(job));
          } finally {
            boss.notifyWorker(self);
          }
        });
        ids.push(self);
      }
      workers.set(name, [...(workers.get(name) ?? []), ...ids]);
      return ids[0]!;
    },

    wake(name) {
      const ids = workers.get(name);
      if (!ids?.length) return;
      const next = (turns.get(name) ?? 0) % ids.length;
      turns.set(name, next + 1);
      boss.notifyWorker(ids[next]!);
    },

    async workBatch<T>(name: string, handler: BatchJobHandler<T>, workOptions: BatchWorkOptions) {
      assertStarted();
      const opts: BossWorkOptions = {
        ...bossWorkOptions(workOptions),
        batchSize: workOptions.batchSize,
        // Without it a full batch waits a whole poll interval before the next fetch.
        burstWhenBatchFull: workOptions.burstWhenBatchFull ?? true,
      };
      return boss.work<T>(name, opts, (jobs) => run(name, jobs, () => handler(jobs)));
    },

    offWork(name) {
      workers.delete(name);
      return boss.offWork(name, { wait: true });
    },

    async declareQueue(definition) {
      assertStarted();
      addDefinition(definitions, withDefaults(definition));
      ready.delete(definition.name);
      await ensure(definition.name);
    },
  };
}

/** The poll interval of a queue's second and later worker slots (see work()). */
const IDLE_SLOT_POLL_SECONDS = 5;

function addDefinition(definitions: Map<string, QueueDefinition>, def: QueueDefinition): void {
  if (def.deadLetter === def.name) throw new Error(`queue "${def.name}" cannot be its own dead letter queue`);
  definitions.set(def.name, def);
}

function pickOptions(def: QueueDefinition): Omit<BossQueueOptions, 'name'> {
  const out: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) if (def[key] !== undefined) out[key] = def[key];
  return out;
}

function changedOptions(
  existing: QueueResult,
  wanted: Omit<BossQueueOptions, 'name'>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    if (wanted[key] !== undefined && wanted[key] !== existing[key]) out[key] = wanted[key];
  }
  return out;
}

const consoleLogger: PlatformLogger = {
  warn: (obj, msg) => console.warn(msg ?? '', obj),
  error: (obj, msg) => console.error(msg ?? '', obj),
};
