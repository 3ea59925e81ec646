import type { DefaultEventsMap, ExtendedError, Namespace, Socket } from 'socket.io';
import type { Db } from '../db/client.js';
import type { TokenService } from '../features/auth/tokens.js';
import type { Permission } from '../features/roles/permissions.js';
import { findSessionPrincipal } from '../features/auth/sessions.js';
import { bearerToken } from '../http/auth.js';

/** Who a socket belongs to; kept in socket.data (and restored with it after a recovered reconnect). */
export interface SocketUser {
  userId: string;
  tenantId: string;
  role: string;
  /** The login the token belongs to: ending that session drops the socket. */
  sessionId: string;
  /** When the access token expires (epoch seconds): the socket is dropped then, to come back with a fresh one. */
  expiresAt: number;
}

export type CrmNamespace = Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketUser>;
export type CrmSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketUser>;

/** What access checks need, read fresh from the database like every REST request does. */
export interface SocketAccess {
  tenantId: string;
  userId: string;
  permissions: ReadonlySet<Permission>;
}

export function refusal(
  code: 'UNAUTHENTICATED' | 'SERVICE_UNAVAILABLE' | 'RATE_LIMITED' | 'MFA_REQUIRED',
  message: string,
): ExtendedError {
  const err: ExtendedError = new Error(code);
  err.data = { code, message };
  return err;
}

/** API.md: `auth.token`, else `Authorization: Bearer`, else `?token=`. */
export function tokenOf(handshake: Socket['handshake']): string | undefined {
  const auth = (handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof auth === 'string' && auth) return auth;
  const header = bearerToken(handshake.headers.authorization);
  if (header) return header;
  const query = handshake.query.token;
  return typeof query === 'string' && query ? query : undefined;
}

/** The socket's user as it is now: undefined once its session ended or the user is disabled or deleted. */
export async function currentAccess(db: Db, user: SocketUser): Promise<SocketAccess | undefined> {
  const row = await findSessionPrincipal(db, user);
  if (!row) return undefined;
  return {
    tenantId: user.tenantId,
    userId: user.userId,
    permissions: new Set(row.role.permissions as Permission[]),
  };
}

/**
 * Connection middleware: the same checks as the HTTP auth hook (signature, expiry, a live session,
 * an active user). It runs again when a client reconnects, recovered sessions included, so a revoked
 * token cannot come back.
 */
export function authenticateSockets(db: Db, tokens: TokenService, mfaRequiredRoles: readonly string[] = []) {
  return (socket: CrmSocket, next: (err?: ExtendedError) => void) => {
    const authenticate = async () => {
      const token = tokenOf(socket.handshake);
      const claims = token ? await tokens.verify(token) : undefined;
      const row = claims && (await findSessionPrincipal(db, claims));
      if (!claims || !row) return refusal('UNAUTHENTICATED', 'A valid access token is required');
      // Like every API route but enrolment: nothing is heard before two-factor is set up.
      if (!row.user.mfaEnabled && mfaRequiredRoles.includes(row.role.name))
        return refusal('MFA_REQUIRED', 'Set up two-factor authentication first');
      socket.data = {
        userId: claims.userId,
        tenantId: claims.tenantId,
        role: row.role.name,
        sessionId: claims.sessionId,
        expiresAt: claims.expiresAt,
      };
      return undefined;
    };
    authenticate().then(next, () =>
      next(refusal('SERVICE_UNAVAILABLE', 'The server cannot check the token right now')),
    );
  };
}
