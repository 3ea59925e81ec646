import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { contactVisibility } from './contact-access.js';
import { contacts } from './contacts.table.js';

/** The columns one CSV line sets (undefined = not given, leave as it is). */
export interface ImportValues {
  name?: string | undefined;
  phoneNumber?: string | undefined;
  externalId?: string | undefined;
  whatsappUserId?: string | undefined;
  email?: string | undefined;
  attributes?: Record<string, unknown> | undefined;
}
export interface ImportRow {
  line: number;
  values: ImportValues;
}

/** One contact to write: the merge of every line of the batch that names it. */
export interface ImportPlan {
  id: string;
  isNew: boolean;
  values: ImportValues;
  lines: { line: number; kind: 'created' | 'updated' }[];
}

interface Known {
  plan: ImportPlan;
  visible: boolean;
  phone: string | null;
  externalId: string | null;
}

const uniq = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];

function merge(into: ImportValues, from: ImportValues) {
  for (const [key, value] of Object.entries(from) as [keyof ImportValues, unknown][]) {
    if (value === undefined) continue;
    if (key === 'attributes') into.attributes = { ...into.attributes, ...(value as Record<string, unknown>) };
    else (into as Record<string, unknown>)[key] = value;
  }
}

/**
 * Decides, for each line of a batch, which contact it creates or updates: one lookup finds the
 * existing contacts by phone number or external id; lines naming the same contact (in the
 * database or earlier in the file) merge into one write. Lines that cannot be placed are failed.
 */
export async function planBatch(
  db: Db,
  ctx: RequestContext,
  rows: ImportRow[],
  failed: { line: number; error: string }[],
): Promise<ImportPlan[]> {
  const phones = uniq(rows.map((r) => r.values.phoneNumber));
  const externalIds = uniq(rows.map((r) => r.values.externalId));
  const existing = await db
    .select({
      id: contacts.id,
      phone: contacts.phoneNumber,
      externalId: contacts.externalId,
      visible: contactVisibility(ctx) ?? sql<boolean>`true`,
    })
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, ctx.tenantId),
        or(
          phones.length ? inArray(contacts.phoneNumber, phones) : undefined,
          externalIds.length ? inArray(contacts.externalId, externalIds) : undefined,
        ),
      ),
    );

  const byPhone = new Map<string, Known>();
  const byExternalId = new Map<string, Known>();
  const index = (k: Known) => {
    if (k.phone) byPhone.set(k.phone, k);
    if (k.externalId) byExternalId.set(k.externalId, k);
  };
  for (const c of existing) {
    index({
      plan: { id: c.id, isNew: false, values: {}, lines: [] },
      visible: Boolean(c.visible),
      phone: c.phone,
      externalId: c.externalId,
    });
  }

  const touched: ImportPlan[] = [];
  for (const { line, values } of rows) {
    const byP = values.phoneNumber ? byPhone.get(values.phoneNumber) : undefined;
    const byE = values.externalId ? byExternalId.get(values.externalId) : undefined;
    if (byP && byE && byP !== byE) {
      failed.push({ line, error: 'phone_number and external_id belong to two different contacts' });
      continue;
    }
    const known = byP ?? byE;
    if (known && !known.visible) {
      failed.push({ line, error: 'A contact you cannot see already has this phone_number or external_id' });
      continue;
    }
    if (!known) {
      const plan: ImportPlan = {
        id: uuidv7(),
        isNew: true,
        values: { ...values },
        lines: [{ line, kind: 'created' }],
      };
      touched.push(plan);
      index({
        plan,
        visible: true,
        phone: values.phoneNumber ?? null,
        externalId: values.externalId ?? null,
      });
      continue;
    }
    // The line may move the contact to a new phone number or external id: re-key it.
    if (values.phoneNumber && known.phone !== values.phoneNumber) {
      if (known.phone) byPhone.delete(known.phone);
      known.phone = values.phoneNumber;
    }
    if (values.externalId && known.externalId !== values.externalId) {
      if (known.externalId) byExternalId.delete(known.externalId);
      known.externalId = values.externalId;
    }
    index(known);
    if (!known.plan.lines.length) touched.push(known.plan);
    merge(known.plan.values, values);
    known.plan.lines.push({ line, kind: 'updated' });
  }
  return touched;
}
