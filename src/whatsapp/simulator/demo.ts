import { asc, eq } from 'drizzle-orm';
import type { AppDeps } from '../../app.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { tenants } from '../../features/tenants/tenants.table.js';
import { randomToken, sha256Hex } from '../../platform/crypto.js';

export const DEMO_PHONE_NUMBER_ID = '100000000000001';
export const DEMO_WABA_ID = '100000000000002';
const DEMO_DISPLAY_NUMBER = '15550100001';

/**
 * First start of a development install with the simulator on: the default tenant gets a WhatsApp
 * number wired to it, with fresh random credentials stored encrypted like any integration, so the
 * product works end to end offline. Returns true when it created it.
 */
export async function createSimulatorDemo(
  deps: Pick<AppDeps, 'config' | 'database' | 'secrets' | 'logger'>,
): Promise<boolean> {
  const { config, database, secrets } = deps;
  if (!config.whatsapp.simulator || config.isProduction) return false;
  const db = database.db;
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).orderBy(asc(tenants.createdAt)).limit(1);
  if (!tenant) return false;
  const [existing] = await db
    .select({ id: whatsappIntegrations.id })
    .from(whatsappIntegrations)
    .where(eq(whatsappIntegrations.phoneNumberId, DEMO_PHONE_NUMBER_ID));
  if (existing) return false;
  const verifyToken = randomToken();
  await db.insert(whatsappIntegrations).values({
    tenantId: tenant.id,
    name: 'Demo number (simulator)',
    phoneNumberId: DEMO_PHONE_NUMBER_ID,
    businessAccountId: DEMO_WABA_ID,
    displayPhoneNumber: DEMO_DISPLAY_NUMBER,
    apiVersion: config.whatsapp.apiVersion,
    accessTokenEncrypted: secrets.encrypt(randomToken()),
    appSecretEncrypted: secrets.encrypt(randomToken()),
    verifyTokenEncrypted: secrets.encrypt(verifyToken),
    verifyTokenHash: sha256Hex(verifyToken),
  });
  deps.logger.info(
    { phoneNumberId: DEMO_PHONE_NUMBER_ID },
    `connected a demo WhatsApp number to the built-in simulator (${config.whatsapp.baseUrl})`,
  );
  return true;
}
