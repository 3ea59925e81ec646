/**
 * Domain event names. Services publish them after commit with the REST object as payload;
 * realtime/ maps them to Socket.IO events (message.created -> message:new, ...), whatsapp/
 * reacts to the ones that mean "send something".
 */
export const DomainEventType = {
  MessageCreated: 'message.created',
  MessageUpdated: 'message.updated',
  MessageDeleted: 'message.deleted',
  MessageStatus: 'message.status',
  MessageReaction: 'message.reaction',
  ConversationCreated: 'conversation.created',
  ConversationUpdated: 'conversation.updated',
  ConversationAssigned: 'conversation.assigned',
  ConversationStatusChanged: 'conversation.status_changed',
  ConversationRead: 'conversation.read',
  ConversationUnread: 'conversation.unread',
  ConversationUnreadReset: 'conversation.unread_reset',
  ConversationDeleted: 'conversation.deleted',
  ContactCreated: 'contact.created',
  ContactUpdated: 'contact.updated',
  ContactDeleted: 'contact.deleted',
  /**
   * Sessions ended (logout, refresh re-use, password change, user deleted or disabled): their live
   * sockets are dropped. Payload `{ user_id, session_ids, except_session_id }`; `session_ids: null` =
   * every session of the user but `except_session_id` (a password changed by that session).
   */
  SessionsRevoked: 'auth.sessions_revoked',
  /** A user's presence changed. Payload `{ user_id, status }`. */
  PresenceUpdated: 'presence.updated',
} as const;

export type DomainEventName = (typeof DomainEventType)[keyof typeof DomainEventType];
