import { randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Db, Executor } from '../../db/client.js';
import { AppError, badRequest, conflict } from '../../http/errors.js';
import { sha256Hex, type SecretBox } from '../../platform/crypto.js';
import { users } from '../users/users.table.js';
import { mfaRecoveryCodes, userMfa } from './mfa.table.js';
import { verifyPassword } from './passwords.js';

/** RFC 6238 as authenticator apps implement it: SHA-1, 6 digits, 30 s steps, one step of drift. */
const PERIOD = 30;
const RECOVERY_CODES = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const mfaRequired = () =>
  new AppError(401, 'MFA_REQUIRED', 'This account uses two-factor authentication: give mfa_code');
const mfaInvalid = (status: 400 | 401) =>
  new AppError(status, 'MFA_INVALID', 'The two-factor code is wrong, expired or already used');

/** `xxxxx-xxxxx`: 50 random bits, easy to read out and type. */
function recoveryCode(): string {
  const chars = [...randomBytes(10)].map((b) => BASE32[b & 31]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');
const isTotp = (code: string) => /^\d{6}$/.test(code.trim());

export interface MfaUser {
  id: string;
  tenantId: string;
  username: string;
  email: string | null;
  passwordHash: string;
}

export function createMfaService(db: Db, secrets: SecretBox, issuer = 'ApiCeChat') {
  const stateOf = async (exec: Executor, userId: string) =>
    (await exec.select().from(userMfa).where(eq(userMfa.userId, userId)))[0];

  /** The step the code is valid for, or null; `after` refuses that step and older ones. */
  async function totpStep(sealed: string, code: string, after: number | null) {
    const result = await verify({
      secret: secrets.decrypt(sealed),
      token: code.trim(),
      epochTolerance: PERIOD,
      ...(after === null ? {} : { afterTimeStep: after }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /**
   * Accepts a TOTP code once, or an unused recovery code once. The step is claimed with a
   * conditional UPDATE, so two requests racing with one code cannot both pass.
   */
  async function consume(exec: Executor, userId: string, sealed: string, code: string): Promise<boolean> {
    if (isTotp(code)) {
      const state = await stateOf(exec, userId);
      const step = await totpStep(sealed, code, state?.lastUsedStep ?? null);
      if (step === null) return false;
      const claimed = await exec
        .update(userMfa)
        .set({ lastUsedStep: step, updatedAt: new Date() })
        .where(
          and(eq(userMfa.userId, userId), or(isNull(userMfa.lastUsedStep), lt(userMfa.lastUsedStep, step))),
        )
        .returning({ userId: userMfa.userId });
      return claimed.length === 1;
    }
    const used = await exec
      .update(mfaRecoveryCodes)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(mfaRecoveryCodes.userId, userId),
          eq(mfaRecoveryCodes.codeHash, sha256Hex(normalizeRecovery(code))),
          isNull(mfaRecoveryCodes.usedAt),
        ),
      )
      .returning({ id: mfaRecoveryCodes.id });
    return used.length === 1;
  }

  return {
    /** A new secret to enrol; replaces a pending one, leaves an active one alone until enabled. */
    async setup(user: MfaUser) {
      const state = await stateOf(db, user.id);
      if (state?.secret) throw conflict('Two-factor authentication is already enabled; disable it first');
      const secret = generateSecret({ length: 20 });
      const sealed = secrets.encrypt(secret);
      await db
        .insert(userMfa)
        .values({ userId: user.id, tenantId: user.tenantId, pendingSecret: sealed })
        .onConflictDoUpdate({
          target: userMfa.userId,
          set: { pendingSecret: sealed, updatedAt: new Date() },
        });
      const label = user.email ?? user.username;
      return { secret, otpauth_url: generateURI({ issuer, label, secret, period: PERIOD }) };
    },

    /** Confirms the pending secret with a first code; answers the recovery codes, shown once. */
    async enable(userId: string, code: string) {
      const state = await stateOf(db, userId);
      if (state?.secret) throw conflict('Two-factor authentication is already enabled');
      if (!state?.pendingSecret)
        throw badRequest('Start with POST /auth/mfa/setup', [
          { field: 'code', message: 'No two-factor setup is pending' },
        ]);
      const step = isTotp(code) ? await totpStep(state.pendingSecret, code, null) : null;
      if (step === null) throw mfaInvalid(400);
      const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
      await db.transaction(async (tx) => {
        await tx
          .update(userMfa)
          .set({
            secret: state.pendingSecret,
            pendingSecret: null,
            lastUsedStep: step,
            enabledAt: new Date(),
            updatedAt: new Date(),
          })
          .where(eq(userMfa.userId, userId));
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
        await tx
          .insert(mfaRecoveryCodes)
          .values(codes.map((c) => ({ userId, codeHash: sha256Hex(normalizeRecovery(c)) })));
        await tx.update(users).set({ mfaEnabled: true }).where(eq(users.id, userId));
      });
      return { recovery_codes: codes };
    },

    async disable(user: MfaUser, password: string, code: string) {
      if (!(await verifyPassword(user.passwordHash, password)))
        throw badRequest('The password is wrong', [{ field: 'password', message: 'Wrong password' }]);
      const state = await stateOf(db, user.id);
      if (!state?.secret) throw conflict('Two-factor authentication is not enabled');
      if (!(await consume(db, user.id, state.secret, code))) throw mfaInvalid(400);
      await db.transaction(async (tx) => {
        await tx.delete(userMfa).where(eq(userMfa.userId, user.id));
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, user.id));
        await tx.update(users).set({ mfaEnabled: false }).where(eq(users.id, user.id));
      });
    },

    /** The second factor at login: nothing is issued unless it passes. */
    async checkLogin(userId: string, code: string | undefined) {
      const state = await stateOf(db, userId);
      if (!state?.secret) return;
      if (!code) throw mfaRequired();
      if (!(await consume(db, userId, state.secret, code))) throw mfaInvalid(401);
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
