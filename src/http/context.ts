import type { Permission } from '../features/roles/permissions.js';

/** Who is calling: every service function takes this first and scopes every query by tenantId. */
export interface RequestContext {
  tenantId: string;
  userId: string;
  role: string;
  permissions: ReadonlySet<Permission>;
  requestId: string;
  ip: string;
}

export const can = (ctx: RequestContext, permission: Permission) => ctx.permissions.has(permission);
