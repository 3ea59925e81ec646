import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, conflict, unauthenticated } from '../../http/errors.js';
import { randomToken, sha256Hex, type SecretBox } from '../../platform/crypto.js';
import type { MailService } from '../../platform/mail.js';
import { mailVerificationLink } from '../account/account-links.js';
import type { DomainEvents } from '../../platform/events.js';
import { createTenantWithRoles, toTenantDto } from '../tenants/tenants.service.js';
import { findUserForLogin, findUserWithRole, toUserDto } from '../users/users.service.js';
import { users } from '../users/users.table.js';
import type { LoginInput, RegisterInput } from './auth.schema.js';
import { refreshTokens } from './auth.table.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { MfaService } from './mfa.service.js';
import {
  openSession,
  revokeSessions,
  sessionsRevoked,
  touchSession,
  type SessionClient,
  type SessionScope,
} from './sessions.js';
import type { AccessClaims, TokenService } from './tokens.js';

export interface AuthServiceOptions {
  refreshTtlSeconds: number;
  allowSignup: boolean;
  /** Role names whose users must use two-factor authentication (MFA_REQUIRED_ROLES). */
  mfaRequiredRoles: string[];
}

const INVALID_CREDENTIALS = 'Invalid username or password';

/** API.md: a refresh token submitted again within 10 s of its rotation answers the same new pair. */
export const REFRESH_GRACE_MS = 10_000;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

type RefreshRow = typeof refreshTokens.$inferSelect;

export function createAuthService(
  db: Db,
  tokens: TokenService,
  options: AuthServiceOptions,
  events: Pick<DomainEvents, 'publish'>,
  mfa: Pick<MfaService, 'checkLogin'>,
  mail: Pick<MailService, 'enqueue'>,
  secrets: SecretBox,
) {
  /** A new access token and a new refresh token of the session. */
  async function issuePair(exec: Executor, userId: string, tenantId: string, sessionId: string) {
    const access = await tokens.issue(userId, tenantId, sessionId);
    const refresh = randomToken(32);
    const [row] = await exec
      .insert(refreshTokens)
      .values({
        tenantId,
        userId,
        familyId: sessionId,
        tokenHash: sha256Hex(refresh),
        accessJti: access.jti,
        expiresAt: new Date(Date.now() + options.refreshTtlSeconds * 1000),
      })
      .returning({ id: refreshTokens.id });
    const pair: TokenPair = {
      access_token: access.token,
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
    };
    return { rowId: row!.id, pair };
  }

  /** A login: a new session and its first pair. */
  async function startSession(exec: Executor, userId: string, tenantId: string, client: SessionClient) {
    const sessionId = await openSession(exec, tenantId, userId, client);
    return (await issuePair(exec, userId, tenantId, sessionId)).pair;
  }

  async function endSessions(scope: SessionScope, actorUserId?: string) {
    await db.transaction((tx) => revokeSessions(tx, scope));
    events.publish(sessionsRevoked(scope, actorUserId));
  }

  const findRefresh = async (hash: string): Promise<RefreshRow | undefined> =>
    (await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)))[0];

  /**
   * The pair a rotated token was turned into, while the grace window lasts and that pair is still
   * the chain's newest (its refresh token unused): double submits and parallel tabs get it back.
   */
  async function replay(row: RefreshRow): Promise<TokenPair | undefined> {
    if (!row.usedAt || row.revokedAt || !row.gracePair || !row.replacedById) return undefined;
    if (Date.now() - row.usedAt.getTime() > REFRESH_GRACE_MS) return undefined;
    const [next] = await db
      .select({ usedAt: refreshTokens.usedAt, revokedAt: refreshTokens.revokedAt })
      .from(refreshTokens)
      .where(eq(refreshTokens.id, row.replacedById));
    if (!next || next.usedAt || next.revokedAt) return undefined;
    return JSON.parse(secrets.decrypt(row.gracePair)) as TokenPair;
  }

  /** A dead token came back: the same answer within the grace window, else someone holds a copy. */
  async function reused(row: RefreshRow): Promise<TokenPair> {
    const pair = await replay(row);
    if (pair) return pair;
    // End the whole chain, the thief's and the owner's newer tokens alike.
    await endSessions({ tenantId: row.tenantId, userId: row.userId, sessionIds: [row.familyId] });
    throw unauthenticated('Refresh token re-use detected; all sessions of this login were revoked');
  }

  /** Claims the token and issues its successor; undefined when a concurrent refresh claimed it first. */
  function rotate(row: RefreshRow, client: SessionClient): Promise<TokenPair | undefined> {
    return db.transaction(async (tx) => {
      const claimed = await tx
        .update(refreshTokens)
        .set({ usedAt: new Date() })
        .where(
          and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)),
        )
        .returning({ id: refreshTokens.id });
      if (!claimed.length) return undefined;
      // Using this token ends the grace of the one before it (whose stored pair this was).
      await tx
        .update(refreshTokens)
        .set({ gracePair: null })
        .where(and(eq(refreshTokens.familyId, row.familyId), isNotNull(refreshTokens.gracePair)));
      await touchSession(tx, row.familyId, client);
      const next = await issuePair(tx, row.userId, row.tenantId, row.familyId);
      await tx
        .update(refreshTokens)
        .set({ replacedById: next.rowId, gracePair: secrets.encrypt(JSON.stringify(next.pair)) })
        .where(eq(refreshTokens.id, row.id));
      return next.pair;
    });
  }

  return {
    async login(input: LoginInput, client: SessionClient = {}) {
      const found = await findUserForLogin(db, input);
      const ok = await verifyPassword(found?.user.passwordHash, input.password);
      if (!found || !ok) throw unauthenticated(INVALID_CREDENTIALS);
      // Said only to who knows the password: it tells them to ask an admin, not to retry.
      if (found.user.deactivatedAt) throw unauthenticated('This account is deactivated; ask an admin');
      await mfa.checkLogin(found.user.id, input.mfa_code);
      const pair = await db.transaction((tx) => startSession(tx, found.user.id, found.user.tenantId, client));
      const mfaSetupRequired = !found.user.mfaEnabled && options.mfaRequiredRoles.includes(found.role.name);
      return { ...pair, user: toUserDto(found.user, found.role), mfa_setup_required: mfaSetupRequired };
    },

    async refresh(refreshToken: string, client: SessionClient = {}): Promise<TokenPair> {
      const hash = sha256Hex(refreshToken);
      const row = await findRefresh(hash);
      if (!row) throw unauthenticated('Invalid refresh token');
      if (row.usedAt || row.revokedAt) return reused(row);
      if (row.expiresAt.getTime() <= Date.now()) throw unauthenticated('Refresh token expired');
      const user = await findUserWithRole(db, row.tenantId, row.userId);
      if (!user) throw unauthenticated('Invalid refresh token');
      const pair = await rotate(row, client);
      if (pair) return pair;
      // A concurrent refresh with the same token won; it has committed, so its pair can be read back.
      const now = await findRefresh(hash);
      if (!now || (!now.usedAt && !now.revokedAt)) throw unauthenticated('Invalid refresh token');
      return reused(now);
    },

    /** The whole session ends: every access token it issued, its refresh chain and its sockets. */
    async logout(claims: AccessClaims, refreshToken?: string) {
      const sessionIds = new Set([claims.sessionId]);
      if (refreshToken) {
        // A client may name the refresh token it holds, which may belong to another of its logins.
        const other = await findRefresh(sha256Hex(refreshToken));
        if (other?.userId === claims.userId && other.tenantId === claims.tenantId)
          sessionIds.add(other.familyId);
      }
      const scope = { tenantId: claims.tenantId, userId: claims.userId, sessionIds: [...sessionIds] };
      await endSessions(scope, claims.userId);
    },

    async me(userId: string, tenantId: string) {
      const row = await findUserWithRole(db, tenantId, userId);
      if (!row) throw unauthenticated();
      return toUserDto(row.user, row.role, true);
    },

    async register(input: RegisterInput, client: SessionClient = {}) {
      if (!options.allowSignup)
        throw new AppError(403, 'SIGNUP_DISABLED', 'Sign-up is disabled on this server');
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.transaction(async (tx) => {
          const { tenant, roles } = await createTenantWithRoles(tx, input.tenant_name);
          const [user] = await tx
            .insert(users)
            .values({
              tenantId: tenant.id,
              roleId: roles.admin.id,
              name: input.name,
              username: input.username ?? input.email,
              email: input.email,
              passwordHash,
            })
            .returning();
          await mailVerificationLink(tx, mail, user!);
          const pair = await startSession(tx, user!.id, tenant.id, client);
          return { tenant: toTenantDto(tenant), user: toUserDto(user!, roles.admin), ...pair };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('A user with this username or email already exists');
        throw err;
      }
    },

    /** Housekeeping: refresh tokens past expiry are useless. */
    async purgeExpired() {
      await db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, new Date()));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
