import { index, jsonb, pgTable, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps } from '../../db/columns.js';
import { tenantIdColumn } from '../tenants/tenants.table.js';

/**
 * A connected WhatsApp Business phone number. The `_encrypted` columns hold AES-256-GCM ciphertext
 * (src/platform/crypto.ts), never plain secrets; the API never returns them.
 */
export const whatsappIntegrations = pgTable(
  'whatsapp_integrations',
  {
    id: id(),
    tenantId: tenantIdColumn(),
    name: varchar('name', { length: 100 }).notNull(),
    /** Meta's id of the number; webhooks are routed by it, so it is unique across the deployment. */
    phoneNumberId: varchar('phone_number_id', { length: 50 }).notNull(),
    /** Meta's WABA id; several numbers of one tenant may share it, no other tenant may use it. */
    businessAccountId: varchar('business_account_id', { length: 50 }),
    displayPhoneNumber: varchar('display_phone_number', { length: 30 }),
    apiVersion: varchar('api_version', { length: 10 }).notNull().default('v21.0'),
    accessTokenEncrypted: text('access_token_encrypted').notNull(),
    appSecretEncrypted: text('app_secret_encrypted'),
    verifyTokenEncrypted: text('verify_token_encrypted'),
    /** sha256 hex of the verify token: the webhook GET handshake finds the integration by it. */
    verifyTokenHash: varchar('verify_token_hash', { length: 64 }),
    /** 'unhealthy' after Meta refused the token (error 190): sends fail fast until it is updated. */
    health: varchar('health', { length: 20, enum: ['ok', 'unhealthy'] })
      .notNull()
      .default('ok'),
    lastError: jsonb('last_error').$type<{ code: number; title: string; message?: string }>(),
    unhealthySince: timestamp('unhealthy_since', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('whatsapp_integrations_phone_number_id_uq').on(t.phoneNumberId),
    index('whatsapp_integrations_verify_token_hash_idx').on(t.verifyTokenHash),
    // Account-level webhooks are routed by it, and it belongs to one tenant (checked on every write).
    index('whatsapp_integrations_business_account_idx').on(t.businessAccountId),
    index('whatsapp_integrations_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export type WhatsappIntegration = typeof whatsappIntegrations.$inferSelect;
export type NewWhatsappIntegration = typeof whatsappIntegrations.$inferInsert;
