import { and, asc, count, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage } from '../../http/pagination.js';
import { DomainEventType, type DomainEventName } from '../../platform/event-types.js';
import type { DomainEvents } from '../../platform/events.js';
import { recordAudit } from '../audit/audit.service.js';
import { definedOnly } from '../catalog/crud.service.js';
import { selectConversations, toConversationDtos } from '../conversations/conversation-dto.js';
import { conversations } from '../conversations/conversations.table.js';
import { tags } from '../tags/tags.table.js';
import { contactScope } from './contact-access.js';
import { contactFilter, toContactDto, withTags } from './contacts-query.js';
import type {
  ContactDto,
  ContactListQuery,
  CreateContactInput,
  TagIdsInput,
  UpdateContactInput,
} from './contacts.schema.js';
import { contacts, contactTags, type Contact } from './contacts.table.js';

/** The unique key a clash was on, from the index name, so the 409 says which field is taken. */
const UNIQUE_FIELDS: Record<string, string> = {
  contacts_tenant_phone_number_uq: 'phone_number',
  contacts_tenant_external_id_uq: 'external_id',
  contacts_tenant_whatsapp_user_id_uq: 'whatsapp_user_id',
};

export function uniqueContactField(err: unknown): string | undefined {
  if (!isUniqueViolation(err)) return undefined;
  for (let e = err as { constraint?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.constraint === 'string') return UNIQUE_FIELDS[e.constraint] ?? 'phone_number';
    e = e.cause as typeof e;
  }
  return 'phone_number';
}

async function uniqueKeys<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const field = uniqueContactField(err);
    if (field) throw conflict(`Another contact already has this ${field}`);
    throw err;
  }
}

/** The contact columns a create or update body sets. */
const columnsOf = (input: CreateContactInput | UpdateContactInput) =>
  definedOnly({
    name: input.name,
    phoneNumber: input.phone_number,
    externalId: input.external_id,
    whatsappUserId: input.whatsapp_user_id,
    email: input.email,
    attributes: input.attributes,
  });

export function createContactsService(db: Db, events: DomainEvents) {
  const publish = (ctx: RequestContext, type: DomainEventName, contact: ContactDto) =>
    events.publish({ type, tenantId: ctx.tenantId, payload: contact, actorUserId: ctx.userId });

  async function findVisible(exec: Executor, ctx: RequestContext, where: SQL) {
    const [row] = await exec
      .select()
      .from(contacts)
      .where(and(where, contactScope(ctx)));
    if (!row) throw notFound('Contact');
    return row;
  }

  const dto = async (exec: Executor, ctx: RequestContext, row: Contact) =>
    (await withTags(exec, ctx.tenantId, [row]))[0]!;

  const read = async (ctx: RequestContext, where: SQL) => dto(db, ctx, await findVisible(db, ctx, where));

  /** Every id must be a tag of the caller's tenant; an unknown one is a 400 naming it. */
  async function checkTags(tx: Tx, ctx: RequestContext, ids: string[]) {
    const found = await tx
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.tenantId, ctx.tenantId), inArray(tags.id, ids)));
    const known = new Set(found.map((t) => t.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) {
      throw badRequest(
        'Unknown tags',
        unknown.map((id) => ({ field: 'tag_ids', message: `Unknown tag ${id}` })),
      );
    }
  }

  /** Adds or removes tags in one transaction, touching the contact so updated_at tells. */
  async function changeTags(
    ctx: RequestContext,
    id: string,
    input: TagIdsInput,
    action: 'add_tags' | 'remove_tags',
  ) {
    const ids = [...new Set(input.tag_ids)];
    const contact = await db.transaction(async (tx) => {
      await findVisible(tx, ctx, eq(contacts.id, id));
      await checkTags(tx, ctx, ids);
      if (action === 'add_tags') {
        await tx
          .insert(contactTags)
          .values(ids.map((tagId) => ({ contactId: id, tagId, tenantId: ctx.tenantId })))
          .onConflictDoNothing();
      } else {
        await tx
          .delete(contactTags)
          .where(and(eq(contactTags.contactId, id), inArray(contactTags.tagId, ids)));
      }
      const [row] = await tx
        .update(contacts)
        .set({ updatedAt: new Date() })
        .where(eq(contacts.id, id))
        .returning();
      await recordAudit(tx, ctx, { action, entityType: 'contact', entityId: id, changes: { tag_ids: ids } });
      return dto(tx, ctx, row!);
    });
    publish(ctx, DomainEventType.ContactUpdated, contact);
    return contact;
  }

  async function list(ctx: RequestContext, q: ContactListQuery) {
    const where = contactFilter(ctx, q);
    const [rows, [total]] = await Promise.all([
      db
        .select()
        .from(contacts)
        .where(where)
        .orderBy(asc(contacts.createdAt), asc(contacts.id))
        .limit(q.limit)
        .offset(offsetOf(q)),
      db.select({ n: count() }).from(contacts).where(where),
    ]);
    return toPage(await withTags(db, ctx.tenantId, rows), total?.n ?? 0, q);
  }

  const get = (ctx: RequestContext, id: string) => read(ctx, eq(contacts.id, id));

  return {
    list,

    async listByTag(ctx: RequestContext, tagId: string, q: ContactListQuery) {
      const [tag] = await db
        .select({ id: tags.id })
        .from(tags)
        .where(and(eq(tags.id, tagId), eq(tags.tenantId, ctx.tenantId)));
      if (!tag) throw notFound('Tag');
      return list(ctx, { ...q, tag_id: tagId });
    },

    get,
    getByExternalId: (ctx: RequestContext, externalId: string) =>
      read(ctx, eq(contacts.externalId, externalId)),
    /** `phone` is already E.164 (the route's schema normalises it). */
    getByPhone: (ctx: RequestContext, phone: string) => read(ctx, eq(contacts.phoneNumber, phone)),

    async create(ctx: RequestContext, input: CreateContactInput) {
      const contact = await uniqueKeys(() =>
        db.transaction(async (tx) => {
          const [row] = await tx
            .insert(contacts)
            .values({ ...columnsOf(input), tenantId: ctx.tenantId })
            .returning();
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'contact',
            entityId: row!.id,
            changes: input,
          });
          return toContactDto(row!);
        }),
      );
      publish(ctx, DomainEventType.ContactCreated, contact);
      return contact;
    },

    async update(ctx: RequestContext, id: string, input: UpdateContactInput) {
      await findVisible(db, ctx, eq(contacts.id, id));
      const contact = await uniqueKeys(() =>
        db.transaction(async (tx) => {
          const [row] = await tx
            .update(contacts)
            .set({ ...columnsOf(input), updatedAt: new Date() })
            .where(and(eq(contacts.id, id), eq(contacts.tenantId, ctx.tenantId)))
            .returning();
          await recordAudit(tx, ctx, {
            action: 'update',
            entityType: 'contact',
            entityId: id,
            changes: input,
          });
          return dto(tx, ctx, row!);
        }),
      );
      publish(ctx, DomainEventType.ContactUpdated, contact);
      return contact;
    },

    /**
     * The database cascades to the contact's conversations and their messages; each of those is
     * announced deleted, so no inbox keeps showing it.
     */
    async remove(ctx: RequestContext, id: string) {
      const { contact, cascaded } = await db.transaction(async (tx) => {
        const gone = await dto(tx, ctx, await findVisible(tx, ctx, eq(contacts.id, id)));
        const cascaded = await toConversationDtos(
          tx,
          await selectConversations(tx).where(
            and(eq(conversations.contactId, id), eq(conversations.tenantId, ctx.tenantId)),
          ),
        );
        await tx.delete(contacts).where(and(eq(contacts.id, id), eq(contacts.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'contact',
          entityId: id,
          changes: { name: gone.name, phone_number: gone.phone_number, external_id: gone.external_id },
        });
        return { contact: gone, cascaded };
      });
      events.publish(
        ...cascaded.map((payload) => ({
          type: DomainEventType.ConversationDeleted,
          tenantId: ctx.tenantId,
          payload,
          actorUserId: ctx.userId,
        })),
      );
      publish(ctx, DomainEventType.ContactDeleted, contact);
    },

    addTags: (ctx: RequestContext, id: string, input: TagIdsInput) => changeTags(ctx, id, input, 'add_tags'),
    removeTags: (ctx: RequestContext, id: string, input: TagIdsInput) =>
      changeTags(ctx, id, input, 'remove_tags'),

    async listTags(ctx: RequestContext, id: string) {
      return { data: (await get(ctx, id)).tags };
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
