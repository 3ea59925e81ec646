import { and, asc } from 'drizzle-orm';
import { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { beyond, preciseTimestamp, type KeysetPosition } from '../catalog/keyset.js';
import { contactFilter, withTags } from './contacts-query.js';
import type { ContactDto, ContactFilter } from './contacts.schema.js';
import { contacts } from './contacts.table.js';
import { csvLine } from './csv.js';

/** The export's columns; the import reads the same header (and ignores the computed columns). */
export const EXPORT_COLUMNS = [
  'id',
  'external_id',
  'whatsapp_user_id',
  'name',
  'phone_number',
  'email',
  'tags',
  'attributes',
  'created_at',
  'updated_at',
] as const;

const BATCH = 1000;

const toCells = (c: ContactDto) => [
  c.id,
  c.external_id,
  c.whatsapp_user_id,
  c.name,
  c.phone_number,
  c.email,
  c.tags.map((t) => t.name).join(';'),
  Object.keys(c.attributes).length ? JSON.stringify(c.attributes) : '',
  c.created_at,
  c.updated_at,
];

/**
 * Reads the caller's contacts in keyset batches on (tenant_id, created_at, id) and yields CSV
 * text batch by batch: memory stays at one batch whatever the number of contacts, and the
 * stream only asks for the next batch when the client has taken the previous one.
 */
async function* contactCsv(db: Db, ctx: RequestContext, filter: ContactFilter): AsyncGenerator<string> {
  yield csvLine([...EXPORT_COLUMNS]);
  let position: KeysetPosition | undefined;
  for (;;) {
    const rows = await db
      .select({ row: contacts, t: preciseTimestamp(contacts.createdAt) })
      .from(contacts)
      .where(
        and(contactFilter(ctx, filter), position && beyond(contacts.createdAt, contacts.id, position, 'asc')),
      )
      .orderBy(asc(contacts.createdAt), asc(contacts.id))
      .limit(BATCH);
    if (!rows.length) return;
    const dtos = await withTags(
      db,
      ctx.tenantId,
      rows.map((r) => r.row),
    );
    yield dtos.map((c) => csvLine(toCells(c))).join('');
    const last = rows.at(-1)!;
    position = { t: last.t, i: last.row.id };
    if (rows.length < BATCH) return;
  }
}

export const exportContacts = (db: Db, ctx: RequestContext, filter: ContactFilter) =>
  Readable.from(contactCsv(db, ctx, filter), { objectMode: false });
