import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { MailService } from '../../platform/mail.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { users } from '../users/users.table.js';
import { mailLink, mailVerificationLink, redeemLink, tokenInvalid } from './account-links.js';
import { endUserSessions, type EndSessionsDeps } from './sessions-end.js';

export interface AccountServiceDeps extends EndSessionsDeps {
  db: Db;
  mail: Pick<MailService, 'enqueue'>;
  logger: { error(obj: object, msg?: string): void };
}

/** Password reset, email verification and password change: the account's own security. */
export function createAccountService(d: AccountServiceDeps) {
  const { db } = d;

  const activeUser = async (exec: Executor, userId: string) => {
    const [user] = await exec
      .select()
      .from(users)
      .where(and(eq(users.id, userId), eq(users.disabled, false), isNull(users.deactivatedAt)));
    return user;
  };

  const sameAddress = (a: string | null, b: string) => a?.toLowerCase() === b.toLowerCase();

  async function mailResetLink(email: string) {
    const [user] = await db
      .select()
      .from(users)
      .where(
        and(
          sql`lower(${users.email}) = ${email.trim().toLowerCase()}`,
          eq(users.disabled, false),
          isNull(users.deactivatedAt),
        ),
      );
    if (!user?.email) return;
    await db.transaction((tx) => mailLink(tx, d.mail, { ...user, email: user.email! }, 'password_reset'));
  }

  return {
    /**
     * Answers before doing anything, so that an existing and an unknown address take the same
     * time: the caller learns nothing about which addresses have accounts.
     */
    forgotPassword(email: string): void {
      void mailResetLink(email).catch((err: unknown) =>
        d.logger.error({ err }, 'password reset mail failed'),
      );
    },

    async resetPassword(token: string, password: string) {
      const passwordHash = await hashPassword(password);
      const dropSockets = await db.transaction(async (tx) => {
        const row = await redeemLink(tx, token, 'password_reset');
        const user = await activeUser(tx, row.userId);
        if (!user) throw tokenInvalid();
        await tx
          .update(users)
          .set({
            passwordHash,
            // The mail reached its owner: the address is proven too.
            ...(sameAddress(user.email, row.email) ? { emailVerified: true } : {}),
            updatedAt: new Date(),
          })
          .where(eq(users.id, user.id));
        return endUserSessions(tx, d, { tenantId: user.tenantId, userId: user.id });
      });
      dropSockets();
    },

    async verifyEmail(token: string) {
      await db.transaction(async (tx) => {
        const row = await redeemLink(tx, token, 'email_verification');
        const user = await activeUser(tx, row.userId);
        // The address changed since the mail was sent: the link proves nothing about the new one.
        if (!user || !sameAddress(user.email, row.email)) throw tokenInvalid();
        await tx.update(users).set({ emailVerified: true }).where(eq(users.id, user.id));
      });
    },

    async resendVerification(ctx: RequestContext) {
      const user = await activeUser(db, ctx.userId);
      if (!user || user.tenantId !== ctx.tenantId) throw notFound('User');
      if (!user.email)
        throw badRequest('Add an email address to your profile first', [
          { field: 'email', message: 'No email address to verify' },
        ]);
      if (user.emailVerified) return;
      await db.transaction((tx) => mailVerificationLink(tx, d.mail, user));
    },

    /** The caller's own password; every other session of theirs ends, this one stays. */
    async changePassword(ctx: RequestContext & { sessionId: string }, current: string, next: string) {
      const user = await activeUser(db, ctx.userId);
      if (!user || user.tenantId !== ctx.tenantId) throw notFound('User');
      if (!(await verifyPassword(user.passwordHash, current)))
        throw badRequest('The current password is wrong', [
          { field: 'current_password', message: 'Does not match your password' },
        ]);
      const passwordHash = await hashPassword(next);
      const dropSockets = await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
        return endUserSessions(tx, d, { tenantId: user.tenantId, userId: user.id }, ctx.sessionId);
      });
      dropSockets();
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
