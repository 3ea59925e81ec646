import { z } from 'zod';

/** `page` + `limit` (API.md page lists). A limit above the maximum is a 400, never silently clamped. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const pageMeta = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
  total_pages: z.number().int(),
});

export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), meta: pageMeta });

export interface Page<T> {
  data: T[];
  meta: z.infer<typeof pageMeta>;
}

export const toPage = <T>(data: T[], total: number, q: PageQuery): Page<T> => ({
  data,
  meta: { page: q.page, limit: q.limit, total, total_pages: Math.ceil(total / q.limit) },
});

export const offsetOf = (q: PageQuery) => (q.page - 1) * q.limit;

/** A list's `search` as an ILIKE substring pattern: `%` and `_` typed by a user mean those characters. */
export const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `cursor` + `limit` (API.md cursor lists). */
export const cursorQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const cursorOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    data: z.array(item),
    meta: z.object({ limit: z.number().int(), next_cursor: z.string().nullable() }),
  });

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodTypeAny>(cursor: string, shape: T): z.infer<T> | undefined {
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
