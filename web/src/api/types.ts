// The shapes of API.md, as the server sends them (snake_case). The UI reads only these.

export type Presence = 'online' | 'away' | 'busy' | 'offline';

export interface User {
  id: string;
  tenant_id: string;
  name: string;
  username: string;
  email: string | null;
  phone_number: string | null;
  avatar_media_id: string | null;
  role: string;
  online: boolean;
  presence: Presence;
  mfa_enabled: boolean;
  email_verified: boolean;
  /** false: deactivated by an admin. */
  active: boolean;
  created_at: string;
  updated_at: string;
  role_detail?: { id: string; name: string; permissions: string[] };
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface LoginResponse extends TokenPair {
  user: User;
  /** The user's role requires two-factor authentication and it is not set up yet. */
  mfa_setup_required?: boolean;
}

export interface Tag {
  id: string;
  name: string;
  color: string | null;
  created_at: string;
  updated_at: string;
}

export interface Contact {
  id: string;
  external_id: string | null;
  whatsapp_user_id: string | null;
  name: string | null;
  phone_number: string | null;
  email: string | null;
  attributes: Record<string, unknown>;
  tags: Tag[];
  created_at: string;
  updated_at: string;
}

export type ConversationStatus = 'queue' | 'active' | 'closed' | 'transferred';

export interface Conversation {
  id: string;
  contact: { id: string; name: string | null; phone_number: string | null; external_id: string | null };
  integration_id: string | null;
  status: ConversationStatus;
  assigned_user_id: string | null;
  assigned_bot_id: string | null;
  unread_count: number;
  read: boolean;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  window_expires_at: string | null;
  last_message: Message | null;
  created_at: string;
  updated_at: string;
}

export type MessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'interactive'
  | 'button'
  | 'order'
  | 'template'
  | 'reaction'
  | 'system'
  | 'unsupported';

export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface Attachment {
  id: string;
  kind: 'image' | 'audio' | 'video' | 'document' | 'sticker';
  url: string | null;
  mime_type: string | null;
  name: string | null;
  size: number | null;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  thumbnail_url: string | null;
  preview_url: string | null;
}

export interface Reaction {
  emoji: string;
  sender_type: 'contact' | 'user' | 'bot';
  sender_id: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  sender_type: 'contact' | 'user' | 'bot' | 'system';
  sender_user_id: string | null;
  sender_bot_id: string | null;
  type: MessageType;
  body: string | null;
  private: boolean;
  reply_to_id: string | null;
  content: Record<string, unknown>;
  attachments: Attachment[];
  reactions: Reaction[];
  whatsapp_message_id: string | null;
  whatsapp_status: DeliveryStatus | null;
  error: { code: number; title: string; message?: string } | null;
  created_at: string;
  delivered_at: string | null;
  read_at: string | null;
  edited_at: string | null;
  deleted_at: string | null;
}

export interface ConversationEvent {
  id: string;
  conversation_id: string;
  kind: string;
  actor_user_id: string | null;
  from_user_id: string | null;
  to_user_id: string | null;
  from_bot_id: string | null;
  to_bot_id: string | null;
  from_status: ConversationStatus | null;
  to_status: ConversationStatus | null;
  note: string | null;
  created_at: string;
}

export interface Bot {
  id: string;
  name: string;
  description: string | null;
}

export interface Integration {
  id: string;
  name: string;
  phone_number_id: string;
  display_phone_number: string | null;
}

export interface Template {
  id: string;
  integration_id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components: Record<string, unknown>[];
}

export interface Page<T> {
  data: T[];
  meta: { page: number; limit: number; total: number; total_pages: number };
}

export interface CursorPage<T> {
  data: T[];
  meta: { limit: number; next_cursor: string | null };
}

export interface FieldError {
  field: string;
  message: string;
}
