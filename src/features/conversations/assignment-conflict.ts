import { isCheckViolation } from '../../db/errors.js';
import { AppError } from '../../http/errors.js';

export const assignmentConflict = () =>
  new AppError(400, 'ASSIGNMENT_CONFLICT', 'A conversation is assigned to a user or to a bot, never both');

/** The constraint a database error names, looking through drizzle's wrapper (pg and PGlite alike). */
export function violatedConstraint(err: unknown): string | undefined {
  for (let e = err as { constraint?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.constraint === 'string') return e.constraint;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * The database's user-XOR-bot check is the last word on assignments: when a write still trips it
 * (a code path that forgot to clear the other side), the caller gets the same answer as the API check.
 */
export async function asAssignmentConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isCheckViolation(err) && violatedConstraint(err) === 'conversations_assignee_xor') {
      throw assignmentConflict();
    }
    throw err;
  }
}
