import { and, eq, isNull, lt } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import { AppError, conflict, unauthenticated } from '../../http/errors.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';
import { DomainEventType } from '../../platform/event-types.js';
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
import type { TokenService } from './tokens.js';

export interface AuthServiceOptions {
  refreshTtlSeconds: number;
  allowSignup: boolean;
  /** Role names whose users must use two-factor authentication (MFA_REQUIRED_ROLES). */
  mfaRequiredRoles: string[];
}

const INVALID_CREDENTIALS = 'Invalid username or password';

export function createAuthService(
  db: Db,
  tokens: TokenService,
  options: AuthServiceOptions,
  events: Pick<DomainEvents, 'publish'>,
  mfa: Pick<MfaService, 'checkLogin'>,
  mail: Pick<MailService, 'enqueue'>,
) {
  /** A new access token and a new refresh token in the given family (a new family at login). */
  async function issuePair(exec: Executor, userId: string, tenantId: string, familyId: string = uuidv7()) {
    const access = await tokens.issue(userId, tenantId);
    const refresh = randomToken(32);
    const [row] = await exec
      .insert(refreshTokens)
      .values({
        tenantId,
        userId,
        familyId,
        tokenHash: sha256Hex(refresh),
        accessJti: access.jti,
        expiresAt: new Date(Date.now() + options.refreshTtlSeconds * 1000),
      })
      .returning({ id: refreshTokens.id });
    return {
      rowId: row!.id,
      pair: {
        access_token: access.token,
        refresh_token: refresh,
        token_type: 'Bearer' as const,
        expires_in: access.expiresIn,
      },
    };
  }

  /** Kills every refresh token of a family and every access token they issued. */
  async function revokeFamily(familyId: string) {
    const rows = await db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(eq(refreshTokens.familyId, familyId))
      .returning({ accessJti: refreshTokens.accessJti });
    await Promise.all(rows.flatMap((r) => (r.accessJti ? [tokens.revoke(r.accessJti)] : [])));
  }

  return {
    async login(input: LoginInput) {
      const found = await findUserForLogin(db, input);
      const ok = await verifyPassword(found?.user.passwordHash, input.password);
      if (!found || !ok) throw unauthenticated(INVALID_CREDENTIALS);
      await mfa.checkLogin(found.user.id, input.mfa_code);
      const { pair } = await issuePair(db, found.user.id, found.user.tenantId);
      const mfaSetupRequired = !found.user.mfaEnabled && options.mfaRequiredRoles.includes(found.role.name);
      return { ...pair, user: toUserDto(found.user, found.role), mfa_setup_required: mfaSetupRequired };
    },

    async refresh(refreshToken: string) {
      const hash = sha256Hex(refreshToken);
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash));
      if (!row) throw unauthenticated('Invalid refresh token');
      if (row.usedAt || row.revokedAt) {
        // A rotated token came back: someone holds a copy. End the whole chain.
        await revokeFamily(row.familyId);
        throw unauthenticated('Refresh token re-use detected; all sessions of this login were revoked');
      }
      if (row.expiresAt.getTime() <= Date.now()) throw unauthenticated('Refresh token expired');
      const user = await findUserWithRole(db, row.tenantId, row.userId);
      if (!user) throw unauthenticated('Invalid refresh token');
      return db.transaction(async (tx) => {
        // Only one of two concurrent refreshes with the same token may win.
        const claimed = await tx
          .update(refreshTokens)
          .set({ usedAt: new Date() })
          .where(
            and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)),
          )
          .returning({ id: refreshTokens.id });
        if (!claimed.length) throw unauthenticated('Invalid refresh token');
        const next = await issuePair(tx, row.userId, row.tenantId, row.familyId);
        await tx.update(refreshTokens).set({ replacedById: next.rowId }).where(eq(refreshTokens.id, row.id));
        return next.pair;
      });
    },

    /** The access token dies at once; so do the refresh tokens of its session. */
    async logout(
      claims: { jti: string; expiresAt: number; userId: string; tenantId: string },
      refreshToken?: string,
    ) {
      await tokens.revoke(claims.jti, claims.expiresAt);
      const sessions = await db
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.accessJti, claims.jti), eq(refreshTokens.userId, claims.userId)));
      if (refreshToken) {
        const [other] = await db
          .select({ familyId: refreshTokens.familyId })
          .from(refreshTokens)
          .where(
            and(
              eq(refreshTokens.tokenHash, sha256Hex(refreshToken)),
              eq(refreshTokens.userId, claims.userId),
            ),
          );
        if (other) sessions.push(other);
      }
      for (const familyId of new Set(sessions.map((s) => s.familyId))) {
        await db
          .update(refreshTokens)
          .set({ revokedAt: new Date() })
          .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
      }
      // Live sockets opened with this token are dropped by realtime/.
      events.publish({
        type: DomainEventType.AuthLogout,
        tenantId: claims.tenantId,
        payload: { jti: claims.jti, userId: claims.userId },
        actorUserId: claims.userId,
      });
    },

    async me(userId: string, tenantId: string) {
      const row = await findUserWithRole(db, tenantId, userId);
      if (!row) throw unauthenticated();
      return toUserDto(row.user, row.role, true);
    },

    async register(input: RegisterInput) {
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
          const { pair } = await issuePair(tx, user!.id, tenant.id);
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
