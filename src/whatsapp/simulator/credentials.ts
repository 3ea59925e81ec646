import type { Db } from '../../db/client.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { SecretBox } from '../../platform/crypto.js';

/** What the simulator knows of a connected number: Meta would hold the same facts on its side. */
export interface SimulatedNumber {
  tenantId: string;
  phoneNumberId: string;
  wabaId: string | null;
  displayPhoneNumber: string;
  accessToken: string;
  appSecret: string | undefined;
}

/** Shown when an integration has no display number of its own. */
const DEFAULT_DISPLAY_NUMBER = '15550000000';

/**
 * The integrations table is the simulator's account registry: a token is valid for the numbers
 * whose integration holds it, so the simulator needs no state of its own for credentials and
 * tokens changed through the API take effect at once.
 */
export function createNumberRegistry(db: Db, box: SecretBox, fallbackAppSecret: string | undefined) {
  // Ciphertext -> plaintext (null: sealed with another ENCRYPTION_KEY); a changed secret is a new
  // ciphertext, so entries never go stale.
  const opened = new Map<string, string | null>();
  const open = (sealed: string) => {
    let plain = opened.get(sealed);
    if (plain === undefined) {
      try {
        plain = box.decrypt(sealed);
      } catch {
        plain = null;
      }
      opened.set(sealed, plain);
    }
    return plain;
  };

  async function all(): Promise<SimulatedNumber[]> {
    const rows = await db.select().from(whatsappIntegrations);
    // A number whose secrets cannot be read is unknown to the simulator, like a token Meta revoked;
    // it must not take the other numbers down with it.
    return rows.flatMap((r) => {
      const accessToken = open(r.accessTokenEncrypted);
      const appSecret = r.appSecretEncrypted ? open(r.appSecretEncrypted) : fallbackAppSecret;
      if (accessToken === null || appSecret === null) return [];
      return [
        {
          tenantId: r.tenantId,
          phoneNumberId: r.phoneNumberId,
          wabaId: r.businessAccountId,
          displayPhoneNumber: r.displayPhoneNumber ?? DEFAULT_DISPLAY_NUMBER,
          accessToken,
          appSecret,
        },
      ];
    });
  }

  return {
    all,
    async byPhone(phoneNumberId: string) {
      return (await all()).find((n) => n.phoneNumberId === phoneNumberId);
    },
    async byWaba(wabaId: string) {
      return (await all()).filter((n) => n.wabaId === wabaId);
    },
    /** Every number the token may act for; empty for an unknown token. */
    async scopeOf(token: string) {
      return (await all()).filter((n) => n.accessToken === token);
    },
  };
}

export type NumberRegistry = ReturnType<typeof createNumberRegistry>;
