import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';

/**
 * Keyset positions over (timestamp, id). A JS Date keeps milliseconds but PostgreSQL keeps
 * microseconds, so a position built from a Date would skip or repeat rows that share the page
 * boundary's millisecond (a bulk insert gives a whole transaction the same now()). Positions are
 * therefore read from the database as text with full precision and compared back as timestamptz.
 */
export const keysetPosition = z.object({
  t: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
  i: z.uuid(),
});
export type KeysetPosition = z.infer<typeof keysetPosition>;

/** The column as an exact ISO-8601 UTC string with microseconds; select it next to the row. */
export const preciseTimestamp = (column: AnyPgColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after (asc) or before (desc) a position, on an index ending in (timestamp, id). */
export function beyond(
  timestamp: AnyPgColumn,
  id: AnyPgColumn,
  position: KeysetPosition,
  direction: 'asc' | 'desc',
): SQL {
  const op = sql.raw(direction === 'asc' ? '>' : '<');
  return sql`(${timestamp}, ${id}) ${op} (${position.t}::timestamptz, ${position.i}::uuid)`;
}
