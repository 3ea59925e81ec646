/** The SQLSTATE of a database error, looking through drizzle's wrapper (same on pg and PGlite). */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgErrorCode(err) === '23505';
// 23001: PGlite (PostgreSQL 18) reports ON DELETE RESTRICT as restrict_violation, 15 as 23503.
export const isForeignKeyViolation = (err: unknown) => ['23503', '23001'].includes(pgErrorCode(err) ?? '');
export const isCheckViolation = (err: unknown) => pgErrorCode(err) === '23514';
