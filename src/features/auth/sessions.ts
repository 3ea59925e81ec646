import { and, desc, eq, exists, gt, inArray, isNull, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvent } from '../../platform/events.js';
import { roles } from '../roles/roles.table.js';
import { users } from '../users/users.table.js';
import { authSessions, refreshTokens } from './auth.table.js';

/** Where a login or refresh came from, as the session list shows it. */
export interface SessionClient {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

const clientColumns = (client: SessionClient) => ({
  userAgent: client.userAgent?.slice(0, 512) ?? null,
  ip: client.ip?.slice(0, 64) ?? null,
});

/** Starts the session of a login; its id is every access token's `sid` and the refresh-token family. */
export async function openSession(
  exec: Executor,
  tenantId: string,
  userId: string,
  client: SessionClient = {},
): Promise<string> {
  const [row] = await exec
    .insert(authSessions)
    .values({ tenantId, userId, ...clientColumns(client) })
    .returning({ id: authSessions.id });
  return row!.id;
}

/** A refresh: the session was used now, from this client. */
export async function touchSession(exec: Executor, sessionId: string, client: SessionClient): Promise<void> {
  await exec
    .update(authSessions)
    .set({ lastUsedAt: new Date(), ...clientColumns(client) })
    .where(eq(authSessions.id, sessionId));
}

/**
 * A user's live sessions, most recently used first: not revoked, and still holding a refresh
 * token that can rotate (a session whose chain expired is over even if nobody ended it).
 */
export async function listSessions(exec: Executor, tenantId: string, userId: string) {
  const usable = exec
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.familyId, authSessions.id),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, new Date()),
      ),
    );
  return exec
    .select()
    .from(authSessions)
    .where(
      and(
        eq(authSessions.tenantId, tenantId),
        eq(authSessions.userId, userId),
        isNull(authSessions.revokedAt),
        exists(usable),
      ),
    )
    .orderBy(desc(authSessions.lastUsedAt), desc(authSessions.id));
}

export interface SessionClaims {
  tenantId: string;
  userId: string;
  sessionId: string;
}

/**
 * The user and role behind an access token, read in the one query every authenticated request
 * already made: undefined once the session is revoked or the user is disabled or deleted.
 */
export async function findSessionPrincipal(exec: Executor, claims: SessionClaims) {
  const [row] = await exec
    .select({ user: users, role: roles })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(
      and(
        eq(authSessions.id, claims.sessionId),
        eq(authSessions.userId, claims.userId),
        eq(authSessions.tenantId, claims.tenantId),
        isNull(authSessions.revokedAt),
        eq(users.disabled, false),
        isNull(users.deactivatedAt),
      ),
    );
  return row;
}

/** Some sessions of a user, or (no ids) every one of them but `exceptSessionId`. */
export interface SessionScope {
  tenantId: string;
  userId: string;
  sessionIds?: string[];
  /** The session that changed its own password stays. */
  exceptSessionId?: string;
}

/**
 * Ends sessions at once: their access tokens fail the next check and their refresh chains can no
 * longer rotate. Run it in the transaction of the change that ends them (a password change...).
 */
export async function revokeSessions(exec: Executor, scope: SessionScope): Promise<void> {
  if (scope.sessionIds?.length === 0) return;
  const now = new Date();
  const { sessionIds, exceptSessionId } = scope;
  const ofSessions = and(
    sessionIds ? inArray(authSessions.id, sessionIds) : undefined,
    exceptSessionId ? ne(authSessions.id, exceptSessionId) : undefined,
  );
  const ofFamilies = and(
    sessionIds ? inArray(refreshTokens.familyId, sessionIds) : undefined,
    exceptSessionId ? ne(refreshTokens.familyId, exceptSessionId) : undefined,
  );
  await exec
    .update(authSessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(authSessions.tenantId, scope.tenantId),
        eq(authSessions.userId, scope.userId),
        isNull(authSessions.revokedAt),
        ofSessions,
      ),
    );
  await exec
    .update(refreshTokens)
    .set({ revokedAt: now, gracePair: null })
    .where(
      and(
        eq(refreshTokens.tenantId, scope.tenantId),
        eq(refreshTokens.userId, scope.userId),
        isNull(refreshTokens.revokedAt),
        ofFamilies,
      ),
    );
}

/** After commit: realtime/ disconnects the sockets of the ended sessions, on every instance. */
export function sessionsRevoked(scope: SessionScope, actorUserId?: string): DomainEvent {
  return {
    type: DomainEventType.SessionsRevoked,
    tenantId: scope.tenantId,
    payload: {
      user_id: scope.userId,
      session_ids: scope.sessionIds ?? null,
      except_session_id: scope.exceptSessionId ?? null,
    },
    actorUserId,
  };
}
