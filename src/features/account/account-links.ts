import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor, Tx } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';
import type { MailService } from '../../platform/mail.js';
import { accountTokens } from './account-tokens.table.js';

export type LinkPurpose = (typeof accountTokens.$inferSelect)['purpose'];

/** API.md: a reset link works once, for one hour. A verification link waits longer: two days. */
const LIFETIME_MS: Record<LinkPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  email_verification: 48 * 60 * 60 * 1000,
};

export interface LinkRecipient {
  id: string;
  tenantId: string;
  name: string;
  email: string;
}

export const tokenInvalid = () =>
  new AppError(400, 'TOKEN_INVALID', 'This link is invalid, was already used or has expired');

/** Issues a one-time link for `user` and queues its mail in the same transaction. */
export async function mailLink(
  tx: Tx,
  mail: Pick<MailService, 'enqueue'>,
  user: LinkRecipient,
  purpose: LinkPurpose,
): Promise<void> {
  const token = randomToken(32);
  // A new link replaces the older ones of the same kind: only the latest mail works.
  await tx
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountTokens.userId, user.id),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
      ),
    );
  await tx.insert(accountTokens).values({
    tenantId: user.tenantId,
    userId: user.id,
    purpose,
    tokenHash: sha256Hex(token),
    email: user.email,
    expiresAt: new Date(Date.now() + LIFETIME_MS[purpose]),
  });
  await mail.enqueue(user.email, purpose, { name: user.name, token }, { tx });
}

/** Mails a verification link when the user has an address (registration, email change). */
export async function mailVerificationLink(
  tx: Tx,
  mail: Pick<MailService, 'enqueue'>,
  user: Omit<LinkRecipient, 'email'> & { email: string | null },
): Promise<void> {
  if (user.email) await mailLink(tx, mail, { ...user, email: user.email }, 'email_verification');
}

/** Spends a link's token: its row when valid, unused and unexpired. Of two callers only one wins. */
export async function redeemLink(exec: Executor, token: string, purpose: LinkPurpose) {
  const [row] = await exec
    .update(accountTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(accountTokens.tokenHash, sha256Hex(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, new Date()),
      ),
    )
    .returning();
  if (!row) throw tokenInvalid();
  return row;
}
