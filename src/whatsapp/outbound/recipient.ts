import type { Contact } from '../../features/contacts/contacts.table.js';

/** How a send names its recipient: `to` (the wa_id, digits only) or `recipient` (business-scoped id). */
export type Recipient = { to: string } | { recipient: string };

const DIGITS = /^\d{5,20}$/;
/** Business-scoped user id, e.g. US.13491208655302741918. */
const BSUID = /^[A-Z]{2}(\.[A-Z]+)?\.\d{5,40}$/;

/**
 * The wa_id Meta gave us (external_id) wins over the stored phone number: for some countries the
 * two differ (Brazil's ninth digit) and Meta routes by the wa_id. Username-only contacts have no
 * number; they are addressed by their business-scoped user id. Undefined: nothing to send to.
 */
export function recipientOf(
  contact: Pick<Contact, 'externalId' | 'phoneNumber' | 'whatsappUserId'>,
): Recipient | undefined {
  if (contact.externalId && DIGITS.test(contact.externalId)) return { to: contact.externalId };
  const phoneDigits = contact.phoneNumber?.replace(/^\+/, '');
  if (phoneDigits && DIGITS.test(phoneDigits)) return { to: phoneDigits };
  const bsuid = [contact.whatsappUserId, contact.externalId].find((id) => id && BSUID.test(id));
  return bsuid ? { recipient: bsuid } : undefined;
}
