import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { recordAudits } from '../audit/audit.service.js';
import type { ImportPlan, ImportValues } from './contacts-import-plan.js';
import { contacts, type Contact } from './contacts.table.js';

const keep = (column: string) => sql.raw(`coalesce(excluded."${column}", "contacts"."${column}")`);

const auditChanges = (v: ImportValues) => ({
  source: 'import',
  name: v.name,
  phone_number: v.phoneNumber,
  external_id: v.externalId,
  whatsapp_user_id: v.whatsappUserId,
  email: v.email,
  attributes: v.attributes,
});

/**
 * One statement for the whole batch: new contacts are inserted, existing ones (their id is
 * known from the plan) take the given fields and keep the rest; attributes are merged.
 */
export async function writePlans(tx: Tx, ctx: RequestContext, plans: ImportPlan[]): Promise<Contact[]> {
  if (!plans.length) return [];
  const rows = await tx
    .insert(contacts)
    .values(
      plans.map(({ id, values: v }) => ({
        id,
        tenantId: ctx.tenantId,
        name: v.name ?? null,
        phoneNumber: v.phoneNumber ?? null,
        externalId: v.externalId ?? null,
        whatsappUserId: v.whatsappUserId ?? null,
        email: v.email ?? null,
        attributes: v.attributes ?? {},
      })),
    )
    .onConflictDoUpdate({
      target: contacts.id,
      set: {
        name: keep('name'),
        phoneNumber: keep('phone_number'),
        externalId: keep('external_id'),
        whatsappUserId: keep('whatsapp_user_id'),
        email: keep('email'),
        attributes: sql.raw(`"contacts"."attributes" || excluded."attributes"`),
        updatedAt: sql`now()`,
      },
      setWhere: eq(contacts.tenantId, ctx.tenantId),
    })
    .returning();
  await recordAudits(
    tx,
    ctx,
    plans.map((p) => ({
      action: p.isNew ? 'create' : 'update',
      entityType: 'contact',
      entityId: p.id,
      changes: auditChanges(p.values),
    })),
  );
  return rows;
}
