import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** One type for both drivers: services never know which database they talk to. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  kind: 'postgres' | 'pglite';
  db: Db;
  /** Set on the embedded default; pg-boss drives it through its own PGlite adapter. */
  pglite?: PGlite;
  /** Set with DATABASE_URL. */
  pool?: pg.Pool;
  url?: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when unset the embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory, or 'memory://' for a throw-away database. */
  pgliteDir?: string;
  poolMax?: number;
}

// PostgreSQL returns timestamps as Date and bigint counts as strings; parse int8 as number so
// COUNT(*) results are numbers on both drivers (counts here stay far below 2^53).
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolMax ?? 10 });
    // A dropped idle connection must not crash the process; the next query gets a fresh one.
    pool.on('error', () => undefined);
    // pg-pool listens for errors only on idle clients. A checked-out one (a transaction waiting on
    // app code) that loses its connection, e.g. when PostgreSQL restarts, would emit an unhandled
    // 'error' and end the process. Its next statement fails instead (-> 503), and the pool drops
    // the dead client when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      pool,
      url: options.url,
      ping: async () => void (await pool.query('select 1')),
      close: () => pool.end(),
    };
  }
  const dir = options.pgliteDir ?? 'memory://';
  const onDisk = !dir.startsWith('memory://');
  // Before anything reads the folder: a second process on it would lose the first one's writes.
  const lock = onDisk ? lockDataDir(dir) : undefined;
  let pglite: PGlite;
  try {
    if (onDisk) mkdirSync(dir, { recursive: true });
    pglite = await PGlite.create(dir);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite,
    ping: async () => void (await pglite.query('select 1')),
    close: async () => {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Applies the committed SQL migrations; the same files run on PGlite and PostgreSQL. */
export async function runMigrations(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    // Two instances booting together must not both migrate.
    const client = await database.pool!.connect();
    try {
      await client.query('select pg_advisory_lock(7314001)');
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock(7314001)').catch(() => undefined);
      client.release();
    }
    return;
  }
  await migratePglite(database.db as never, { migrationsFolder });
}

export { sql };
