import { and, asc, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { encodeCursor } from '../../http/pagination.js';
import type { RequestContext } from '../../http/context.js';
import { contactFilter, withTags } from '../contacts/contacts-query.js';
import { contacts } from '../contacts/contacts.table.js';
import { findVisibleConversation, visibleConversations } from '../conversations/conversation-lookup.js';
import { conversations } from '../conversations/conversations.table.js';
import { exactTime, parseCursor } from '../conversations/keyset.js';
import { messageColumns, toMessageDtos } from '../messages/message-dto.js';
import { messages } from '../messages/messages.table.js';
import {
  messageKey,
  searchKey,
  type MessageHit,
  type MessageKey,
  type SearchHit,
  type SearchQuery,
} from './search.schema.js';

export interface SearchDeps {
  db: Db;
  /** A text search configuration name, validated by config to [a-z_]+. */
  tsConfig: string;
}

/** Inlined as a literal (the planner needs a constant to use the GIN index); the name is checked here too. */
function regconfig(name: string): SQL {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`Invalid text search configuration "${name}"`);
  return sql.raw(`'${name}'::regconfig`);
}

// Bodies are user text: escaped before ts_headline adds its markers, so a highlight is safe HTML.
const escapedBody = sql`replace(replace(replace(coalesce(${messages.body}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;

/**
 * The document side of the match. 'simple' uses the stored column; another language uses the same
 * expression as the index that `ensureLanguageIndex` creates at start-up, so it stays indexed.
 */
const documentVector = (tsConfig: string): SQL =>
  tsConfig === 'simple'
    ? sql`${messages.searchVector}`
    : sql`to_tsvector(${regconfig(tsConfig)}, coalesce(${messages.body}, ''))`;

/** A GIN index for a configured language other than 'simple' (idempotent; runs on every start). */
export async function ensureLanguageIndex(db: Db, tsConfig: string): Promise<void> {
  if (tsConfig === 'simple') return;
  await db.execute(
    sql.raw(
      `create index if not exists messages_search_${tsConfig}_idx on messages using gin (to_tsvector('${tsConfig}'::regconfig, coalesce(body, '')))`,
    ),
  );
}

export function createSearchService({ db, tsConfig }: SearchDeps) {
  const config = regconfig(tsConfig);
  const vector = documentVector(tsConfig);

  /**
   * Ranked message matches (best first, then newest) in the conversations the caller can see,
   * deleted messages never. Fetches one row more than `limit` to tell whether more exist.
   */
  async function findMessages(
    ctx: RequestContext,
    q: string,
    limit: number,
    scope: SQL | undefined,
    after?: MessageKey,
  ) {
    const query = sql`websearch_to_tsquery(${config}, ${q})`;
    const rank = sql<number>`ts_rank(${vector}, ${query})`;
    const rows = await db
      .select({
        message: messageColumns,
        rank,
        sortTime: exactTime(messages.createdAt),
        highlight: sql<string>`ts_headline(${config}, ${escapedBody}, ${query}, 'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2')`,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.tenantId, ctx.tenantId),
          visibleConversations(ctx),
          isNull(messages.deletedAt),
          sql`${vector} @@ ${query}`,
          scope,
          after
            ? sql`(${rank}, ${messages.createdAt}, ${messages.id}) < (${after.r}::real, ${after.t}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(desc(rank), desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1);
    const dtos = await toMessageDtos(
      db,
      rows.slice(0, limit).map((r) => r.message),
    );
    const hits: MessageHit[] = dtos.map((m, i) => ({ ...m, kind: 'message', highlight: rows[i]!.highlight }));
    const last = rows[limit - 1];
    const more = rows.length > limit;
    return {
      hits,
      more,
      nextKey:
        more && last ? { k: 'm' as const, r: last.rank, t: last.sortTime, id: last.message.id } : undefined,
    };
  }

  /** Contacts the caller may see whose name, phone, email or external id contains `q`, by name. */
  async function findContacts(
    ctx: RequestContext,
    q: string,
    limit: number,
    after?: { n: string; id: string },
  ) {
    const sortName = sql<string>`lower(coalesce(${contacts.name}, ''))`;
    const rows = await db
      .select({ contact: contacts, sortName })
      .from(contacts)
      .where(
        and(
          contactFilter(ctx, { search: q.slice(0, 100) }),
          after
            ? or(gt(sortName, after.n), and(eq(sortName, after.n), gt(contacts.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(sortName), asc(contacts.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const dtos = await withTags(
      db,
      ctx.tenantId,
      page.map((r) => r.contact),
    );
    const last = page.at(-1);
    return {
      hits: dtos.map((c): SearchHit => ({ ...c, kind: 'contact' })),
      nextKey:
        rows.length > limit && last ? { k: 'c' as const, n: last.sortName, id: last.contact.id } : undefined,
    };
  }

  return {
    /** Messages of one conversation, ranked. */
    async inConversation(ctx: RequestContext, conversationId: string, q: SearchQuery) {
      await findVisibleConversation(db, ctx, conversationId);
      const after = parseCursor(q.cursor, messageKey);
      const found = await findMessages(ctx, q.q, q.limit, eq(messages.conversationId, conversationId), after);
      return {
        data: found.hits,
        meta: { limit: q.limit, next_cursor: found.nextKey ? encodeCursor(found.nextKey) : null },
      };
    },

    /**
     * Contacts first (when the caller may read contacts), then ranked messages, one cursor across both:
     * a page that runs out of contacts fills up with messages.
     */
    async everywhere(ctx: RequestContext, q: SearchQuery) {
      const key = parseCursor(q.cursor, searchKey);
      const data: SearchHit[] = [];
      if ((!key || key.k === 'c') && ctx.permissions.has('contacts:read')) {
        const found = await findContacts(ctx, q.q, q.limit, key?.k === 'c' ? key : undefined);
        if (found.nextKey)
          return { data: found.hits, meta: { limit: q.limit, next_cursor: encodeCursor(found.nextKey) } };
        data.push(...found.hits);
      }
      const room = q.limit - data.length;
      const found = await findMessages(ctx, q.q, room, undefined, key?.k === 'm' ? key : undefined);
      data.push(...found.hits);
      const next = found.nextKey ?? (found.more ? { k: 'm0' as const } : undefined);
      return { data, meta: { limit: q.limit, next_cursor: next ? encodeCursor(next) : null } };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
