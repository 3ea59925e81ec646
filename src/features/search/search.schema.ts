import { z } from 'zod';
import { cursorOf, cursorQuery } from '../../http/pagination.js';
import { contactSchema } from '../contacts/contacts.schema.js';
import { timeKey } from '../conversations/keyset.js';
import { messageSchema } from '../messages/messages.schema.js';

export const searchQuery = cursorQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('Web search syntax: words (all must match), "a quoted phrase", a OR b, -excluded'),
});
export type SearchQuery = z.infer<typeof searchQuery>;

const highlight = z
  .string()
  .describe('The matching fragment as HTML: the text is escaped, matches are wrapped in <mark></mark>');

export const messageHitSchema = messageSchema.extend({ kind: z.literal('message'), highlight });
export const contactHitSchema = contactSchema.extend({
  kind: z.literal('contact'),
  highlight: highlight.optional(),
});
export const searchHitSchema = z.discriminatedUnion('kind', [messageHitSchema, contactHitSchema]);

export const messageHitPage = cursorOf(messageHitSchema);
export const searchHitPage = cursorOf(searchHitSchema);
export type MessageHit = z.infer<typeof messageHitSchema>;
export type SearchHit = z.infer<typeof searchHitSchema>;

/** Where a walk over the results stopped: contacts come first (by name), then ranked messages. */
export const messageKey = timeKey.extend({ k: z.literal('m'), r: z.number() });
export const searchKey = z.discriminatedUnion('k', [
  z.object({ k: z.literal('c'), n: z.string(), id: z.uuid() }),
  messageKey,
  /** Contacts are done; messages start from the best match. */
  z.object({ k: z.literal('m0') }),
]);
export type MessageKey = z.infer<typeof messageKey>;
