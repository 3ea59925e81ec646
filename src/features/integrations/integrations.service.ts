import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import { sha256Hex, type SecretBox } from '../../platform/crypto.js';
import { recordAudit } from '../audit/audit.service.js';
import type {
  CreateIntegrationInput,
  IntegrationDto,
  UpdateIntegrationInput,
} from './integrations.schema.js';
import { whatsappIntegrations, type WhatsappIntegration } from './integrations.table.js';

export const toIntegrationDto = (i: WhatsappIntegration): IntegrationDto => ({
  id: i.id,
  name: i.name,
  phone_number_id: i.phoneNumberId,
  business_account_id: i.businessAccountId,
  display_phone_number: i.displayPhoneNumber,
  api_version: i.apiVersion,
  health: i.health,
  last_error: i.health === 'unhealthy' ? (i.lastError ?? null) : null,
  created_at: i.createdAt.toISOString(),
  updated_at: i.updatedAt.toISOString(),
});

/** The decrypted credentials of an integration, for the Graph client and webhook checks only. */
export interface IntegrationSecrets {
  accessToken: string;
  appSecret: string | undefined;
}

export function decryptIntegration(box: SecretBox, row: WhatsappIntegration): IntegrationSecrets {
  return {
    accessToken: box.decrypt(row.accessTokenEncrypted),
    appSecret: row.appSecretEncrypted ? box.decrypt(row.appSecretEncrypted) : undefined,
  };
}

const sealOptional = (box: SecretBox, value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : box.encrypt(value);

const hashOptional = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : sha256Hex(value);

async function uniquePhone<T>(work: () => Promise<T>) {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('This phone_number_id is already connected');
    throw err;
  }
}

/**
 * A business_account_id belongs to one tenant: Meta routes account-level webhooks (template
 * updates) by it, so a second tenant naming it would receive or block the first one's. One tenant
 * may connect several numbers of its account, so this is no unique index: the check runs under a
 * transaction-scoped advisory lock on the id, so two tenants connecting it at once are serialised
 * and the second one's check sees the first one's committed row.
 */
async function claimBusinessAccount(tx: Tx, tenantId: string, wabaId: string | null | undefined) {
  if (!wabaId) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`whatsapp-waba:${wabaId}`}, 0))`);
  const [taken] = await tx
    .select({ id: whatsappIntegrations.id })
    .from(whatsappIntegrations)
    .where(
      and(eq(whatsappIntegrations.businessAccountId, wabaId), ne(whatsappIntegrations.tenantId, tenantId)),
    )
    .limit(1);
  if (taken) throw conflict('This business_account_id is connected to another tenant');
}

export function createIntegrationsService(db: Db, box: SecretBox, defaultApiVersion: string) {
  async function find(ctx: RequestContext, id: string) {
    const [row] = await db
      .select()
      .from(whatsappIntegrations)
      .where(and(eq(whatsappIntegrations.id, id), eq(whatsappIntegrations.tenantId, ctx.tenantId)));
    if (!row) throw notFound('Integration');
    return row;
  }

  return {
    async list(ctx: RequestContext, q: PageQuery) {
      const where = eq(whatsappIntegrations.tenantId, ctx.tenantId);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(whatsappIntegrations)
          .where(where)
          .orderBy(asc(whatsappIntegrations.createdAt), asc(whatsappIntegrations.id))
          .limit(q.limit)
          .offset(offsetOf(q)),
        db.select({ n: count() }).from(whatsappIntegrations).where(where),
      ]);
      return toPage(rows.map(toIntegrationDto), total?.n ?? 0, q);
    },

    get: async (ctx: RequestContext, id: string) => toIntegrationDto(await find(ctx, id)),

    create(ctx: RequestContext, input: CreateIntegrationInput) {
      return uniquePhone(() =>
        db.transaction(async (tx) => {
          await claimBusinessAccount(tx, ctx.tenantId, input.business_account_id);
          const [row] = await tx
            .insert(whatsappIntegrations)
            .values({
              tenantId: ctx.tenantId,
              name: input.name,
              phoneNumberId: input.phone_number_id,
              businessAccountId: input.business_account_id ?? null,
              displayPhoneNumber: input.display_phone_number ?? null,
              apiVersion: input.api_version ?? defaultApiVersion,
              accessTokenEncrypted: box.encrypt(input.access_token),
              appSecretEncrypted: sealOptional(box, input.app_secret) ?? null,
              verifyTokenEncrypted: sealOptional(box, input.verify_token) ?? null,
              verifyTokenHash: hashOptional(input.verify_token) ?? null,
            })
            .returning();
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'integration',
            entityId: row!.id,
            changes: input,
          });
          return toIntegrationDto(row!);
        }),
      );
    },

    async update(ctx: RequestContext, id: string, input: UpdateIntegrationInput) {
      await find(ctx, id);
      return uniquePhone(() =>
        db.transaction(async (tx) => {
          await claimBusinessAccount(tx, ctx.tenantId, input.business_account_id);
          const [row] = await tx
            .update(whatsappIntegrations)
            .set({
              name: input.name,
              phoneNumberId: input.phone_number_id,
              businessAccountId: input.business_account_id,
              displayPhoneNumber: input.display_phone_number,
              apiVersion: input.api_version,
              accessTokenEncrypted: input.access_token ? box.encrypt(input.access_token) : undefined,
              // A new token is worth trying: sends resume until Meta refuses it too.
              ...(input.access_token ? { health: 'ok' as const, lastError: null, unhealthySince: null } : {}),
              appSecretEncrypted: sealOptional(box, input.app_secret),
              verifyTokenEncrypted: sealOptional(box, input.verify_token),
              verifyTokenHash: hashOptional(input.verify_token),
              updatedAt: new Date(),
            })
            .where(and(eq(whatsappIntegrations.id, id), eq(whatsappIntegrations.tenantId, ctx.tenantId)))
            .returning();
          await recordAudit(tx, ctx, {
            action: 'update',
            entityType: 'integration',
            entityId: id,
            changes: input,
          });
          return toIntegrationDto(row!);
        }),
      );
    },

    async remove(ctx: RequestContext, id: string) {
      const row = await find(ctx, id);
      await db.transaction(async (tx) => {
        await tx
          .delete(whatsappIntegrations)
          .where(and(eq(whatsappIntegrations.id, id), eq(whatsappIntegrations.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'integration',
          entityId: id,
          changes: { phone_number_id: row.phoneNumberId },
        });
      });
    },
  };
}

export type IntegrationsService = ReturnType<typeof createIntegrationsService>;
