import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import type { MailService } from '../../platform/mail.js';
import { mailVerificationLink } from '../account/account-links.js';
import { recordAudit } from '../audit/audit.service.js';
import { findVisibleMedia } from '../media/media-access.js';
import type { UpdateMeInput } from './users.schema.js';
import { emailChanges, findUserWithRole, toUserDto, uniqueIdentity } from './users.service.js';
import { users } from './users.table.js';

const badAvatar = (message: string) => badRequest(message, [{ field: 'avatar_media_id', message }]);

/** Self-service: the caller's own profile, whatever their permissions. */
export function createUsersMeService(db: Db, mail: Pick<MailService, 'enqueue'>) {
  /** An avatar is an image the caller may see: their own upload, or any the tenant's media they can read. */
  async function assertAvatar(ctx: RequestContext, mediaId: string) {
    const media = await findVisibleMedia(db, ctx, mediaId);
    if (!media) throw badAvatar('Unknown media');
    if (media.kind !== 'image') throw badAvatar('An avatar must be an image');
  }

  return {
    async get(ctx: RequestContext) {
      const row = await findUserWithRole(db, ctx.tenantId, ctx.userId);
      if (!row) throw notFound('User');
      return toUserDto(row.user, row.role);
    },

    async update(ctx: RequestContext, input: UpdateMeInput) {
      if (input.avatar_media_id) await assertAvatar(ctx, input.avatar_media_id);
      const current = await findUserWithRole(db, ctx.tenantId, ctx.userId);
      if (!current) throw notFound('User');
      const emailChanged = emailChanges(current.user.email, input.email);
      return uniqueIdentity(() =>
        db.transaction(async (tx) => {
          const [user] = await tx
            .update(users)
            .set({
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(emailChanged ? { email: input.email, emailVerified: false } : {}),
              ...(input.phone_number !== undefined ? { phoneNumber: input.phone_number } : {}),
              ...(input.avatar_media_id !== undefined ? { avatarMediaId: input.avatar_media_id } : {}),
              updatedAt: new Date(),
            })
            .where(and(eq(users.id, ctx.userId), eq(users.tenantId, ctx.tenantId)))
            .returning();
          if (emailChanged) await mailVerificationLink(tx, mail, user!);
          await recordAudit(tx, ctx, {
            action: 'update',
            entityType: 'user',
            entityId: ctx.userId,
            changes: input,
          });
          return toUserDto(user!, current.role);
        }),
      );
    },
  };
}

export type UsersMeService = ReturnType<typeof createUsersMeService>;
