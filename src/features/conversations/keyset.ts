import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { badRequest } from '../../http/errors.js';
import { decodeCursor, encodeCursor } from '../../http/pagination.js';

/**
 * Keyset cursors over (timestamp, id). PostgreSQL keeps microseconds and a JS Date drops them, so the
 * key carries the exact time as text: a millisecond cursor would repeat or skip rows that share it.
 */
export const exactTime = (column: AnyColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export const timeKey = z.object({
  t: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  id: z.uuid(),
});
export type TimeKey = z.infer<typeof timeKey>;

export type Direction = 'asc' | 'desc';

/** Decodes an opaque cursor; a tampered or foreign one is a 400, never a silent restart. */
export function parseCursor<T extends z.ZodTypeAny>(
  cursor: string | undefined,
  shape: T,
): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  const key: z.infer<T> | undefined = decodeCursor(cursor, shape);
  if (key === undefined) throw badRequest('Invalid cursor', [{ field: 'cursor', message: 'Invalid cursor' }]);
  return key;
}

/**
 * Rows strictly past `key` in the walk's order. A row comparison keeps it one range scan of the
 * (..., time, id) index, forwards or backwards.
 */
export function pastTimeKey(time: AnyColumn, id: AnyColumn, key: TimeKey, direction: Direction): SQL {
  const op = direction === 'desc' ? sql.raw('<') : sql.raw('>');
  return sql`(${time}, ${id}) ${op} (${key.t}::timestamptz, ${key.id}::uuid)`;
}

/** Cuts the one extra row a keyset query fetches to learn whether another page exists. */
export function takePage<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => Record<string, string | number>,
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
