import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { likePattern } from '../../http/pagination.js';
import { toTagDto, type TagDto } from '../tags/tags.schema.js';
import { tags } from '../tags/tags.table.js';
import { contactScope } from './contact-access.js';
import type { ContactDto, ContactFilter } from './contacts.schema.js';
import { contacts, contactTags, type Contact } from './contacts.table.js';

export const toContactDto = (c: Contact, contactTagList: TagDto[] = []): ContactDto => ({
  id: c.id,
  external_id: c.externalId,
  whatsapp_user_id: c.whatsappUserId,
  name: c.name,
  phone_number: c.phoneNumber,
  email: c.email,
  attributes: c.attributes,
  tags: contactTagList,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
});

/** Tenant + privacy + the list filters; shared by lists, by-tag and the export. */
export function contactFilter(ctx: RequestContext, f: ContactFilter): SQL | undefined {
  const pattern = f.search && likePattern(f.search);
  return and(
    contactScope(ctx),
    pattern
      ? or(
          ilike(contacts.name, pattern),
          ilike(contacts.phoneNumber, pattern),
          ilike(contacts.email, pattern),
          ilike(contacts.externalId, pattern),
        )
      : undefined,
    f.tag_id
      ? sql`exists (select 1 from ${contactTags} where ${and(
          eq(contactTags.tenantId, ctx.tenantId),
          eq(contactTags.tagId, f.tag_id),
          eq(contactTags.contactId, contacts.id),
        )})`
      : undefined,
  );
}

/** The tags of many contacts in one query (no N+1), by contact id, ordered by name. */
export async function tagsOfContacts(exec: Executor, tenantId: string, ids: string[]) {
  const byContact = new Map<string, TagDto[]>();
  if (!ids.length) return byContact;
  const rows = await exec
    .select({ contactId: contactTags.contactId, tag: tags })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(and(eq(contactTags.tenantId, tenantId), inArray(contactTags.contactId, ids)))
    .orderBy(asc(sql`lower(${tags.name})`));
  for (const { contactId, tag } of rows) {
    const list = byContact.get(contactId) ?? [];
    list.push(toTagDto(tag));
    byContact.set(contactId, list);
  }
  return byContact;
}

/** Contact rows as API objects, tags included. */
export async function withTags(exec: Executor, tenantId: string, rows: Contact[]): Promise<ContactDto[]> {
  const byContact = await tagsOfContacts(
    exec,
    tenantId,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toContactDto(r, byContact.get(r.id)));
}
