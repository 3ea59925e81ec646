import { and, eq, or } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { withTags } from '../../features/contacts/contacts-query.js';
import { contacts, type Contact, type NewContact } from '../../features/contacts/contacts.table.js';
import { toE164 } from '../../features/contacts/phone.js';
import type { Outbox } from '../../features/conversations/after-commit.js';
import { domainEvent } from '../../features/conversations/domain-event.js';
import { DomainEventType } from '../../platform/event-types.js';

/** Who wrote, as the webhook names them. Username-only users have no wa_id, only a BSUID. */
export interface InboundIdentity {
  waId: string | null;
  /** Business-scoped user id (BSUID). */
  userId: string | null;
  name: string | null;
}

export interface ContactUpsert {
  contact: Contact;
  change: 'created' | 'updated' | null;
}

const NAME_MAX = 150;

interface Keys {
  waId: string | null;
  userId: string | null;
  phone: string | null;
}

function keysOf(who: Pick<InboundIdentity, 'waId' | 'userId'>): Keys {
  const waId = who.waId || null;
  return { waId, userId: who.userId || null, phone: waId ? (toE164(waId) ?? null) : null };
}

/** Every contact of the tenant holding any of the keys: the candidates and the key holders. */
async function holdersOf(tx: Tx, tenantId: string, k: Keys): Promise<Contact[]> {
  const conditions = [
    k.waId ? eq(contacts.externalId, k.waId) : undefined,
    k.phone ? eq(contacts.phoneNumber, k.phone) : undefined,
    k.userId ? eq(contacts.whatsappUserId, k.userId) : undefined,
    k.userId ? eq(contacts.externalId, k.userId) : undefined,
  ].filter((c) => c !== undefined);
  return tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), or(...conditions)));
}

/**
 * The contact a message belongs to: the BSUID is the most stable key (it survives number
 * changes), then the wa_id, then the number, then a username-only contact keyed by its BSUID.
 */
function pickContact(rows: Contact[], k: Keys): Contact | undefined {
  return (
    (k.userId ? rows.find((c) => c.whatsappUserId === k.userId) : undefined) ??
    (k.waId ? rows.find((c) => c.externalId === k.waId) : undefined) ??
    (k.phone ? rows.find((c) => c.phoneNumber === k.phone) : undefined) ??
    (k.userId ? rows.find((c) => c.externalId === k.userId) : undefined)
  );
}

/** The keys the contact lacks and nobody else holds (each is unique per tenant). */
function missingKeys(contact: Contact, rows: Contact[], k: Keys, name: string | null): Partial<NewContact> {
  const heldByOther = (held: (c: Contact) => boolean) => rows.some((c) => c.id !== contact.id && held(c));
  const patch: Partial<NewContact> = {};
  if (k.userId && contact.whatsappUserId === null && !heldByOther((c) => c.whatsappUserId === k.userId)) {
    patch.whatsappUserId = k.userId;
  }
  // A username-only contact is keyed by its BSUID until its wa_id is known.
  const placeholderExternalId =
    contact.externalId === null || (k.userId !== null && contact.externalId === k.userId);
  if (
    k.waId &&
    contact.externalId !== k.waId &&
    placeholderExternalId &&
    !heldByOther((c) => c.externalId === k.waId)
  ) {
    patch.externalId = k.waId;
  }
  if (k.phone && contact.phoneNumber === null && !heldByOther((c) => c.phoneNumber === k.phone)) {
    patch.phoneNumber = k.phone;
  }
  if (name && !contact.name) patch.name = name;
  return patch;
}

async function update(tx: Tx, contact: Contact, patch: Partial<NewContact>): Promise<Contact> {
  const [row] = await tx
    .update(contacts)
    .set(patch)
    .where(and(eq(contacts.id, contact.id), eq(contacts.tenantId, contact.tenantId)))
    .returning();
  return row!;
}

/**
 * Finds the sender's contact or creates it, filling in keys it learns on the way (a
 * username-only contact later seen with its wa_id stays ONE contact). Race-safe: a concurrent
 * insert of the same contact makes ours do nothing, and the second lookup finds theirs.
 */
export async function upsertInboundContact(
  tx: Tx,
  tenantId: string,
  who: InboundIdentity,
): Promise<ContactUpsert> {
  const k = keysOf(who);
  if (!k.waId && !k.userId) throw new Error('the sender has neither a wa_id nor a business-scoped user id');
  const name = who.name?.trim().slice(0, NAME_MAX) || null;
  for (let round = 0; round < 2; round++) {
    const rows = await holdersOf(tx, tenantId, k);
    const contact = pickContact(rows, k);
    if (contact) {
      const patch = missingKeys(contact, rows, k, name);
      if (Object.keys(patch).length === 0) return { contact, change: null };
      return { contact: await update(tx, contact, patch), change: 'updated' };
    }
    const [created] = await tx
      .insert(contacts)
      .values({
        tenantId,
        externalId: k.waId ?? k.userId,
        whatsappUserId: k.userId,
        phoneNumber: k.phone,
        name,
      })
      .onConflictDoNothing()
      .returning();
    if (created) return { contact: created, change: 'created' };
  }
  throw new Error('the contact was changed concurrently twice; retrying the event');
}

/**
 * `user_changed_number`: the contact keeps its history under its new number. A key another
 * contact already holds is left alone (reported in the notes) rather than merging two people.
 */
export async function changeContactNumber(
  tx: Tx,
  contact: Contact,
  change: { newWaId: string | null; newUserId: string | null },
  notes: string[],
): Promise<Contact | undefined> {
  const k = keysOf({ waId: change.newWaId, userId: change.newUserId });
  if (!k.waId) return undefined;
  const others = (await holdersOf(tx, contact.tenantId, k)).filter((c) => c.id !== contact.id);
  const patch: Partial<NewContact> = {};
  if (others.some((c) => c.externalId === k.waId || (k.phone !== null && c.phoneNumber === k.phone))) {
    notes.push(`number change to ${k.waId}: another contact already has this number, kept as is`);
  } else {
    patch.externalId = k.waId;
    patch.phoneNumber = k.phone;
  }
  if (k.userId && contact.whatsappUserId === null && !others.some((c) => c.whatsappUserId === k.userId)) {
    patch.whatsappUserId = k.userId;
  }
  if (Object.keys(patch).length === 0) return undefined;
  return update(tx, contact, patch);
}

/** contact.created / contact.updated after the commit, when the upsert changed anything. */
export async function announceContact(tx: Tx, outbox: Outbox, upsert: ContactUpsert): Promise<void> {
  if (!upsert.change) return;
  const { tenantId } = upsert.contact;
  const [dto] = await withTags(tx, tenantId, [upsert.contact]);
  const type = upsert.change === 'created' ? DomainEventType.ContactCreated : DomainEventType.ContactUpdated;
  outbox.push(domainEvent(type, { tenantId }, dto));
}
