import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';

export type Fingerprint = Record<string, string>;

/**
 * A cheap fingerprint of every application table (schema `public`; pg-boss's jobs and the
 * migration log live elsewhere): per table its row count and the newest row version's
 * transaction id (`xmin`). Any committed insert, update or delete changes one of them, so equal
 * fingerprints before and after a request mean it changed nothing; a difference names the table.
 */
export async function fingerprinter(db: Db): Promise<() => Promise<Fingerprint>> {
  const tables = await rowsOf<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const query = sql.raw(
    tables
      .map(
        ({ name }) =>
          `select '${name}' as name, count(*) || ':' || coalesce(max(xmin::text::bigint), 0) as sum from "${name}"`,
      )
      .join(' union all '),
  );
  return async () => {
    const sums = await rowsOf<{ name: string; sum: string }>(db, query);
    return Object.fromEntries(sums.map((s) => [s.name, s.sum]));
  };
}

async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}
