import { and, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { bots } from '../bots/bots.table.js';
import { tenants } from '../tenants/tenants.table.js';
import { mergeSettings } from './merge.js';
import {
  WEEKDAYS,
  type PatchTenantSettingsInput,
  type StoredTenantSettings,
  type TenantSettingsDto,
} from './settings.schema.js';
import { tenantSettings } from './settings.table.js';

type TenantSettingsValues = Omit<TenantSettingsDto, 'tenant' | 'default_bot_id'>;

export const DEFAULT_AWAY_TEXT =
  'Thanks for your message! We are away right now and will answer as soon as we are back.';

/** What a tenant that never changed anything gets (API.md "Tenant settings"). */
export const DEFAULT_TENANT_SETTINGS: TenantSettingsValues = {
  timezone: 'UTC',
  business_hours: {
    enabled: false,
    days: Object.fromEntries(
      WEEKDAYS.map((d) => [d, [{ open: '09:00', close: '17:00' }]]),
    ) as TenantSettingsValues['business_hours']['days'],
  },
  auto_assignment: { enabled: false, strategy: 'round_robin', max_open_per_agent: 10, only_online: true },
  away_message: { enabled: false, text: DEFAULT_AWAY_TEXT },
};

/**
 * The tenant's effective settings, for any feature that needs them (auto-assignment, analytics'
 * time zone, the away message): one primary-key read, no cache to invalidate across instances.
 */
export async function getTenantSettings(exec: Executor, tenantId: string): Promise<TenantSettingsDto> {
  const [row] = await exec
    .select({
      id: tenants.id,
      name: tenants.name,
      settings: tenantSettings.settings,
      defaultBotId: tenantSettings.defaultBotId,
    })
    .from(tenants)
    .leftJoin(tenantSettings, eq(tenantSettings.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId));
  if (!row) throw notFound('Tenant');
  return {
    tenant: { id: row.id, name: row.name },
    ...mergeSettings(DEFAULT_TENANT_SETTINGS, row.settings ?? undefined),
    default_bot_id: row.defaultBotId ?? null,
  };
}

export function createTenantSettingsService(db: Db) {
  return {
    get: (ctx: RequestContext) => getTenantSettings(db, ctx.tenantId),

    async update(ctx: RequestContext, input: PatchTenantSettingsInput): Promise<TenantSettingsDto> {
      const { default_bot_id: botId, ...values } = input;
      await db.transaction(async (tx) => {
        if (botId) {
          const [bot] = await tx
            .select({ id: bots.id })
            .from(bots)
            .where(and(eq(bots.id, botId), eq(bots.tenantId, ctx.tenantId)));
          if (!bot) throw badRequest('Unknown bot', [{ field: 'default_bot_id', message: 'Unknown bot' }]);
        }
        // Two admins saving different sections at once: the second merges over the first's result.
        await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, ctx.tenantId)).for('update');
        const [current] = await tx
          .select({ settings: tenantSettings.settings })
          .from(tenantSettings)
          .where(eq(tenantSettings.tenantId, ctx.tenantId));
        const settings = mergeSettings<StoredTenantSettings>(current?.settings ?? {}, values);
        const bot = botId !== undefined ? { defaultBotId: botId } : {};
        await tx
          .insert(tenantSettings)
          .values({ tenantId: ctx.tenantId, settings, ...bot })
          .onConflictDoUpdate({
            target: tenantSettings.tenantId,
            set: { settings, ...bot, updatedAt: new Date() },
          });
        await recordAudit(tx, ctx, {
          action: 'update',
          entityType: 'settings',
          entityId: ctx.tenantId,
          changes: input,
        });
      });
      return getTenantSettings(db, ctx.tenantId);
    },
  };
}

export type TenantSettingsService = ReturnType<typeof createTenantSettingsService>;
