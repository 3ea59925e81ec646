/**
 * Socket.IO room names. Every socket joins its user, tenant, role and session rooms on connect;
 * conversation rooms are joined on request after the same access check as REST.
 */
export const rooms = {
  user: (userId: string) => `user_${userId}`,
  tenant: (tenantId: string) => `tenant_${tenantId}`,
  role: (tenantId: string, roleName: string) => `role_${tenantId}_${roleName}`,
  conversation: (conversationId: string) => `conversation_${conversationId}`,
  /** The sockets of one login (any of its access tokens), dropped together when it ends. */
  session: (sessionId: string) => `session_${sessionId}`,
};
