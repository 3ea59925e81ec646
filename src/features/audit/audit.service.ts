import type { Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { auditLogs } from './audit.table.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** Changed fields; callers pass them through redactChanges so secrets never land here. */
  changes?: Record<string, unknown>;
}

const SECRET_FIELD = /password|secret|token|api_?key|mfa/i;

/** Drops secret-looking fields, keeping only that they changed. */
export function redactChanges(changes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(changes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, SECRET_FIELD.test(k) ? '[changed]' : v]),
  );
}

/** Written inside the caller's transaction, so an audit row exists exactly when the change does. */
export async function recordAudit(exec: Executor, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await recordAudits(exec, ctx, [entry]);
}

/** Many entries in one statement (bulk writes such as a CSV import), same guarantees as recordAudit. */
export async function recordAudits(
  exec: Executor,
  ctx: RequestContext,
  entries: AuditEntry[],
): Promise<void> {
  if (!entries.length) return;
  await exec.insert(auditLogs).values(
    entries.map((entry) => ({
      tenantId: ctx.tenantId,
      actorUserId: ctx.userId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      changes: redactChanges(entry.changes ?? {}),
      ip: ctx.ip,
      requestId: ctx.requestId,
    })),
  );
}
