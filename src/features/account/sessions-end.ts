import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { DomainEventType } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import { refreshTokens } from '../auth/auth.table.js';
import type { TokenService } from '../auth/tokens.js';

export interface EndSessionsDeps {
  tokens: Pick<TokenService, 'revoke'>;
  events: Pick<DomainEvents, 'publish'>;
}

/**
 * Ends every session of a user (a password was changed or reset), except `keepFamilyId`, the
 * session that made the change: its refresh chains stop working at once. Returns what to call once
 * the transaction committed, to kill the sessions' access tokens and drop their sockets.
 */
export async function endUserSessions(
  exec: Executor,
  deps: EndSessionsDeps,
  user: { tenantId: string; userId: string },
  keepFamilyId?: string,
): Promise<() => Promise<void>> {
  const rows = await exec
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(refreshTokens.userId, user.userId),
        isNull(refreshTokens.revokedAt),
        keepFamilyId ? ne(refreshTokens.familyId, keepFamilyId) : undefined,
      ),
    )
    .returning({ accessJti: refreshTokens.accessJti });
  const jtis = rows.flatMap((r) => (r.accessJti ? [r.accessJti] : []));
  return async () => {
    await Promise.all(jtis.map((jti) => deps.tokens.revoke(jti)));
    // Live sockets opened with these tokens are dropped by realtime/.
    deps.events.publish(
      ...jtis.map((jti) => ({
        type: DomainEventType.AuthLogout,
        tenantId: user.tenantId,
        payload: { jti, userId: user.userId },
        actorUserId: user.userId,
      })),
    );
  };
}

/** The refresh chain (session) an access token was issued in. */
export async function sessionOfAccessToken(exec: Executor, userId: string, jti: string) {
  const [row] = await exec
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.accessJti, jti)));
  return row?.familyId;
}
