import { request, V1 } from './http';
import type {
  Bot,
  Contact,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  CursorPage,
  Integration,
  LoginResponse,
  Message,
  Page,
  Presence,
  Tag,
  Template,
  User,
} from './types';

export type Tab = 'mine' | 'unassigned' | 'all';

export interface ConversationFilters {
  tab: Tab;
  status: ConversationStatus | '';
  tag_id: string;
  search: string;
}

const TAB_ASSIGNEE: Record<Tab, string> = { mine: 'me', unassigned: 'unassigned', all: 'all' };

export interface SendMessageInput {
  conversation_id: string;
  body?: string;
  private?: boolean;
  reply_to_id?: string;
  attachment_ids?: string[];
  type?: 'template';
  template?: { name: string; language: { code: string }; components?: Record<string, unknown>[] };
}

export interface SimulatedCustomerMessage {
  phone_number_id: string;
  from: string;
  name?: string;
  type: 'text' | 'location' | 'image' | 'reaction';
  text?: { body: string };
  location?: { latitude: number; longitude: number; name?: string };
  image?: { caption?: string };
  reaction?: { message_id: string; emoji: string };
  context?: { id: string };
}

const json = (body: unknown) => ({ body });

export const api = {
  login: (body: { username?: string; email?: string; password: string; mfa_code?: string }) =>
    request<LoginResponse>(`${V1}/auth/login`, { method: 'POST', ...json(body) }),
  logout: (refreshToken: string) =>
    request<void>(`${V1}/auth/logout`, { method: 'POST', ...json({ refresh_token: refreshToken }) }),
  /** `token`: right after login, before the session is stored. */
  me: (token?: string) => request<User>(`${V1}/auth/me`, { token }),

  conversations: (f: ConversationFilters, cursor: string | null, limit = 30) =>
    request<CursorPage<Conversation>>(`${V1}/conversations/cursor`, {
      query: {
        assignee: TAB_ASSIGNEE[f.tab],
        status: f.status,
        tag_id: f.tag_id,
        search: f.search.trim(),
        cursor,
        limit,
      },
    }),
  contactConversations: (search: string) =>
    request<Page<Conversation>>(`${V1}/conversations`, { query: { search, limit: 20 } }),
  conversation: (id: string) => request<Conversation>(`${V1}/conversations/${id}`),
  setStatus: (id: string, status: ConversationStatus) =>
    request<Conversation>(`${V1}/conversations/${id}`, { method: 'PATCH', ...json({ status }) }),
  assign: (id: string, to: { user_id?: string; bot_id?: string }) =>
    request<Conversation>(`${V1}/conversations/${id}/assign`, { method: 'PATCH', ...json(to) }),
  unassign: (id: string) => request<Conversation>(`${V1}/conversations/${id}/unassign`, { method: 'PATCH' }),
  transfer: (id: string, to: { user_id?: string; bot_id?: string; note?: string }) =>
    request<Conversation>(`${V1}/conversations/${id}/transfer`, { method: 'POST', ...json(to) }),
  markRead: (id: string) => request<Conversation>(`${V1}/conversations/${id}/read`, { method: 'PATCH' }),
  markUnread: (id: string) => request<Conversation>(`${V1}/conversations/${id}/unread`, { method: 'PATCH' }),
  conversationEvents: (id: string) =>
    request<Page<ConversationEvent>>(`${V1}/conversations/${id}/events`, { query: { limit: 100 } }),

  messages: (conversationId: string, cursor: string | null, limit = 40) =>
    request<CursorPage<Message>>(`${V1}/messages/conversation/${conversationId}/cursor`, {
      query: { cursor, limit, direction: 'older' },
    }),
  send: (input: SendMessageInput) => request<Message>(`${V1}/messages`, { method: 'POST', ...json(input) }),
  react: (messageId: string, emoji: string) =>
    request<Message>(`${V1}/messages/${messageId}/reactions`, { method: 'POST', ...json({ emoji }) }),
  unreact: (messageId: string, emoji: string) =>
    request<Message>(`${V1}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`, {
      method: 'DELETE',
    }),

  contact: (id: string) => request<Contact>(`${V1}/contacts/${id}`),
  addTags: (id: string, tagIds: string[]) =>
    request<Contact>(`${V1}/contacts/${id}/tags`, { method: 'POST', ...json({ tag_ids: tagIds }) }),
  removeTags: (id: string, tagIds: string[]) =>
    request<Contact>(`${V1}/contacts/${id}/tags`, { method: 'DELETE', ...json({ tag_ids: tagIds }) }),
  tags: () => request<Page<Tag>>(`${V1}/tags`, { query: { limit: 100 } }),
  users: () => request<Page<User>>(`${V1}/users`, { query: { limit: 100 } }),
  bots: () => request<Page<Bot>>(`${V1}/bots`, { query: { limit: 100 } }),
  setPresence: (status: Exclude<Presence, 'offline'>) =>
    request<unknown>(`${V1}/presence/me`, { method: 'PUT', ...json({ status }) }),
  templates: (integrationId: string) =>
    request<Page<Template>>(`${V1}/templates`, { query: { integration_id: integrationId, limit: 100 } }),

  integrations: () =>
    request<Page<Integration>>(`${V1}/whatsapp-integration-config`, { query: { limit: 100 } }),
  simulateCustomer: (body: SimulatedCustomerMessage) =>
    request<{ message_id: string }>('/simulator/customers/messages', { method: 'POST', ...json(body) }),
};
