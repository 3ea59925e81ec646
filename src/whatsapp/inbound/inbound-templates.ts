import { and, eq, inArray, or } from 'drizzle-orm';
import { whatsappIntegrations } from '../../features/integrations/integrations.table.js';
import { messageTemplates } from '../../features/templates/templates.table.js';
import { describeItem, type ItemHandler } from './item-context.js';

/** Meta writes languages as en_US and, in some webhooks, en-US. */
const spellings = (language: string) => [...new Set([language, language.replace('-', '_')])];

/**
 * Meta's review of a template (`message_template_status_update`) updates the local copy when
 * there is one: by Meta's template id, else by name and language on the numbers of that WABA.
 */
export const applyTemplateStatus: ItemHandler<'template_status'> = async (tx, _outbox, ctx, item) => {
  const numbersOfWaba = tx
    .select({ id: whatsappIntegrations.id })
    .from(whatsappIntegrations)
    .where(
      and(
        eq(whatsappIntegrations.tenantId, ctx.tenantId),
        item.wabaId
          ? eq(whatsappIntegrations.businessAccountId, item.wabaId)
          : eq(whatsappIntegrations.id, ctx.integrationId ?? ''),
      ),
    );
  const byName =
    item.name && item.language
      ? and(
          eq(messageTemplates.name, item.name),
          inArray(messageTemplates.language, spellings(item.language)),
          inArray(messageTemplates.integrationId, numbersOfWaba),
        )
      : undefined;
  const byId = item.templateId ? eq(messageTemplates.metaTemplateId, item.templateId) : undefined;
  if (!byId && !byName) {
    ctx.notes.push(`${describeItem(item)}: names no template, ignored`);
    return;
  }
  const updated = await tx
    .update(messageTemplates)
    .set({
      status: item.event.slice(0, 30),
      rejectionReason: item.reason && item.reason !== 'NONE' ? item.reason : null,
    })
    .where(and(eq(messageTemplates.tenantId, ctx.tenantId), or(byId, byName)))
    .returning({ id: messageTemplates.id });
  if (!updated.length) ctx.notes.push(`${describeItem(item)}: no local copy of the template`);
};
