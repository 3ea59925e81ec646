/**
 * Socket.IO room names. Every socket joins its user, tenant, role and session rooms on connect;
 * conversation rooms are joined on request after the same access check as REST.
 */
export const rooms = {
  user: (userId: string) => `user_${userId}`,
  tenant: (tenantId: string) => `tenant_${tenantId}`,
  role: (tenantId: string, roleName: string) => `role_${tenantId}_${roleName}`,
  conversation: (conversationId: string) => `conversation_${conversationId}`,
  /** The sockets opened with one access token, dropped together at logout. */
  session: (jti: string) => `session_${jti}`,
};
