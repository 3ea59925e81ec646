import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import type { MessageError } from '../../features/messages/messages.table.js';

/**
 * Meta refused the number's token (190): every Graph call of this integration fails fast until an
 * admin replaces the token (the integrations PATCH sets it back to ok).
 */
export async function markUnhealthy(
  exec: Executor,
  integration: { id: string; tenantId: string },
  error: MessageError,
): Promise<void> {
  await exec
    .update(whatsappIntegrations)
    .set({
      health: 'unhealthy',
      lastError: error,
      unhealthySince: sql`coalesce(${whatsappIntegrations.unhealthySince}, now())`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(whatsappIntegrations.id, integration.id),
        eq(whatsappIntegrations.tenantId, integration.tenantId),
      ),
    );
}
