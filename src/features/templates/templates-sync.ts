import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { recordAudit } from '../audit/audit.service.js';
import type { MetaTemplate } from './meta-templates.js';
import type { SyncResult } from './templates.schema.js';
import { messageTemplates } from './templates.table.js';

/** The columns a Meta listing sets. */
const columnsOf = (t: MetaTemplate) => ({
  name: t.name,
  language: t.language,
  category: t.category,
  status: t.status,
  components: t.components,
  metaTemplateId: t.id,
  rejectionReason: t.rejected_reason && t.rejected_reason !== 'NONE' ? t.rejected_reason : null,
});

/**
 * Makes one number's local templates what Meta listed: upserts each (by name and language) and
 * deletes the ones Meta no longer has. Counts what it did.
 */
export async function mirrorTemplates(
  tx: Tx,
  ctx: RequestContext,
  integrationId: string,
  listed: MetaTemplate[],
): Promise<SyncResult> {
  let created = 0;
  for (const t of listed) {
    const [row] = await tx
      .insert(messageTemplates)
      .values({ tenantId: ctx.tenantId, integrationId, ...columnsOf(t) })
      .onConflictDoUpdate({
        target: [
          messageTemplates.tenantId,
          messageTemplates.integrationId,
          messageTemplates.name,
          messageTemplates.language,
        ],
        set: { ...columnsOf(t), updatedAt: new Date() },
      })
      // xmax is 0 on a freshly inserted row version, not on an updated one.
      .returning({ inserted: sql<boolean>`(xmax = 0)` });
    if (row?.inserted) created += 1;
  }
  const metaIds = listed.map((t) => t.id);
  const deleted = await tx
    .delete(messageTemplates)
    .where(
      and(
        eq(messageTemplates.tenantId, ctx.tenantId),
        eq(messageTemplates.integrationId, integrationId),
        metaIds.length ? notInArray(messageTemplates.metaTemplateId, metaIds) : undefined,
      ),
    )
    .returning({ id: messageTemplates.id });
  const result = { created, updated: listed.length - created, deleted: deleted.length };
  await recordAudit(tx, ctx, {
    action: 'sync',
    entityType: 'template',
    changes: { integration_id: integrationId, ...result },
  });
  return result;
}
