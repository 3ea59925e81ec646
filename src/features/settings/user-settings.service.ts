import { and, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { mergeSettings } from './merge.js';
import type { PatchUserSettingsInput, StoredUserSettings, UserSettingsDto } from './settings.schema.js';
import { userSettings } from './settings.table.js';

/** A user who never changed anything: follow the system theme, English, every notification on. */
export const DEFAULT_USER_SETTINGS: UserSettingsDto = {
  theme: 'system',
  language: 'en',
  notifications: { desktop: true, sound: true, email: true },
};

/** A user's effective settings (the notification features read `notifications` through this). */
export async function getUserSettings(
  exec: Executor,
  tenantId: string,
  userId: string,
): Promise<UserSettingsDto> {
  const [row] = await exec
    .select({ settings: userSettings.settings })
    .from(userSettings)
    .where(and(eq(userSettings.userId, userId), eq(userSettings.tenantId, tenantId)));
  return mergeSettings(DEFAULT_USER_SETTINGS, row?.settings);
}

export function createUserSettingsService(db: Db) {
  return {
    get: (ctx: RequestContext) => getUserSettings(db, ctx.tenantId, ctx.userId),

    async update(ctx: RequestContext, input: PatchUserSettingsInput): Promise<UserSettingsDto> {
      return db.transaction(async (tx) => {
        // Locks the row when it exists; a first save by two tabs at once is settled by the upsert.
        const [current] = await tx
          .select({ settings: userSettings.settings })
          .from(userSettings)
          .where(and(eq(userSettings.userId, ctx.userId), eq(userSettings.tenantId, ctx.tenantId)))
          .for('update');
        const settings = mergeSettings<StoredUserSettings>(current?.settings ?? {}, input);
        await tx
          .insert(userSettings)
          .values({ userId: ctx.userId, tenantId: ctx.tenantId, settings })
          .onConflictDoUpdate({ target: userSettings.userId, set: { settings, updatedAt: new Date() } });
        return mergeSettings(DEFAULT_USER_SETTINGS, settings);
      });
    },
  };
}

export type UserSettingsService = ReturnType<typeof createUserSettingsService>;
