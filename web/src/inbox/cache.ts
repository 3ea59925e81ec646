import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { ConversationFilters } from '../api/endpoints';
import { can } from '../api/session';
import type { Conversation, CursorPage, Message, User } from '../api/types';

export const keys = {
  conversationLists: ['conversations'] as const,
  conversations: (f: ConversationFilters) => ['conversations', f] as const,
  conversation: (id: string) => ['conversation', id] as const,
  messages: (conversationId: string) => ['messages', conversationId] as const,
  events: (conversationId: string) => ['conversation-events', conversationId] as const,
  contact: (id: string) => ['contact', id] as const,
  contactConversations: (contactId: string) => ['contact-conversations', contactId] as const,
  tags: ['tags'] as const,
  users: ['users'] as const,
  bots: ['bots'] as const,
  templates: (integrationId: string) => ['templates', integrationId] as const,
};

type Pages<T> = InfiniteData<CursorPage<T>, unknown>;

/** Server order of conversation lists: newest activity first (last_message_at, id). */
export const activityOf = (c: Conversation) => c.last_message?.created_at ?? c.created_at;

const byActivity = (a: Conversation, b: Conversation) =>
  activityOf(b).localeCompare(activityOf(a)) || b.id.localeCompare(a.id);
const byTime = (a: Message, b: Message) =>
  a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);

function uniqueById<T extends { id: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}

/**
 * Loaded pages as one list: live updates may have moved an item to the top while a later page
 * still holds its older copy, so the first copy wins and the list is sorted again.
 */
export const conversationsOf = (data: Pages<Conversation> | undefined) =>
  uniqueById((data?.pages ?? []).flatMap((p) => p.data)).sort(byActivity);

/** Oldest first, for display. */
export const messagesOf = (data: Pages<Message> | undefined) =>
  uniqueById((data?.pages ?? []).flatMap((p) => p.data)).sort(byTime);

/**
 * Whether a conversation belongs in a list with these filters; undefined when only the server can
 * tell (tag and search match the contact, which the event does not carry).
 */
export function belongsIn(c: Conversation, f: ConversationFilters, me: User): boolean | undefined {
  if (!can(me, 'conversations:read_all') && c.assigned_user_id && c.assigned_user_id !== me.id) return false;
  if (f.tab === 'mine' && c.assigned_user_id !== me.id) return false;
  if (f.tab === 'unassigned' && (c.assigned_user_id || c.assigned_bot_id)) return false;
  if (f.status && c.status !== f.status) return false;
  if (f.tag_id || f.search.trim()) return undefined;
  return true;
}

function replaceIn<T extends { id: string }>(data: Pages<T>, item: T, insert: boolean): Pages<T> {
  let found = false;
  const pages = data.pages.map((page) => ({
    ...page,
    data: page.data.map((x) => {
      if (x.id !== item.id) return x;
      found = true;
      return item;
    }),
  }));
  if (!found && insert && pages[0]) pages[0] = { ...pages[0], data: [item, ...pages[0].data] };
  return { ...data, pages };
}

const removeFrom = <T extends { id: string }>(data: Pages<T>, id: string): Pages<T> => ({
  ...data,
  pages: data.pages.map((page) => ({ ...page, data: page.data.filter((x) => x.id !== id) })),
});

/** A conversation as the server now has it: into every cached list it belongs to, out of the others. */
export function putConversation(qc: QueryClient, c: Conversation, me: User, created = false) {
  qc.setQueryData<Conversation>(keys.conversation(c.id), (old) => (old ? c : undefined));
  for (const [key, data] of qc.getQueriesData<Pages<Conversation>>({ queryKey: keys.conversationLists })) {
    if (!data) continue;
    const filters = key[1] as ConversationFilters;
    const fits = belongsIn(c, filters, me);
    if (fits === false) qc.setQueryData(key, removeFrom(data, c.id));
    else if (fits === undefined && created) void qc.invalidateQueries({ queryKey: key, exact: true });
    else qc.setQueryData(key, replaceIn(data, c, fits === true));
  }
}

/** A message as the server now has it; `created` adds it to its thread when not there yet. */
export function putMessage(qc: QueryClient, m: Message, created = false) {
  qc.setQueryData<Pages<Message>>(keys.messages(m.conversation_id), (data) =>
    data ? replaceIn(data, m, created) : data,
  );
  // A status change of the last message shows in the list's preview.
  const touchLast = (c: Conversation) => (c.last_message?.id === m.id ? { ...c, last_message: m } : c);
  qc.setQueryData<Conversation>(keys.conversation(m.conversation_id), (c) => c && touchLast(c));
  for (const [key, data] of qc.getQueriesData<Pages<Conversation>>({ queryKey: keys.conversationLists })) {
    const holds = data?.pages.some((page) => page.data.some((c) => c.last_message?.id === m.id));
    if (!data || !holds) continue;
    qc.setQueryData<Pages<Conversation>>(key, {
      ...data,
      pages: data.pages.map((page) => ({ ...page, data: page.data.map(touchLast) })),
    });
  }
}

/** Drops a conversation the user may no longer see from every list. */
export function dropConversation(qc: QueryClient, id: string) {
  for (const [key, data] of qc.getQueriesData<Pages<Conversation>>({ queryKey: keys.conversationLists })) {
    if (data) qc.setQueryData(key, removeFrom(data, id));
  }
}

/** A conversation gone from the user's view (taken away or deleted): out of the lists and the cache. */
export function forgetConversation(qc: QueryClient, id: string) {
  dropConversation(qc, id);
  for (const queryKey of [keys.conversation(id), keys.messages(id), keys.events(id)]) {
    qc.removeQueries({ queryKey, exact: true });
  }
}
