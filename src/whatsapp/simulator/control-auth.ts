import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import type { Permission } from '../../features/roles/permissions.js';
import { findUserWithRole } from '../../features/users/users.service.js';
import { bearerToken } from '../../http/auth.js';
import { forbidden, unauthenticated } from '../../http/errors.js';

const REQUIRED: Permission = 'integrations:manage';

/**
 * The control API sits outside /api, where the app's auth hook does not look, so it checks the
 * same access token itself: an admin (integrations:manage) of the tenant that owns the number.
 */
export function controlAuth({ tokens, database }: Pick<AppDeps, 'tokens' | 'database'>) {
  const check = async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthenticated();
    const claims = await tokens.verify(token);
    const row = claims && (await findUserWithRole(database.db, claims.tenantId, claims.userId));
    if (!claims || !row) throw unauthenticated('Invalid or expired token');
    const permissions = row.role.permissions as Permission[];
    if (!permissions.includes(REQUIRED)) throw forbidden();
    request.ctx = {
      tenantId: claims.tenantId,
      userId: claims.userId,
      role: row.role.name,
      permissions: new Set(permissions),
      requestId: request.id,
      ip: request.ip,
    };
  };
  // Carries its permission like requirePermission's guards, so the route table lists it.
  return Object.assign(check, { permissions: [REQUIRED] as const });
}
