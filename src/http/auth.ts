import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Permission } from '../features/roles/permissions.js';
import type { AccessClaims, TokenService } from '../features/auth/tokens.js';
import type { RequestContext } from './context.js';
import { AppError, forbidden, unauthenticated } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext | undefined;
    auth: AccessClaims | undefined;
  }
  interface FastifyContextConfig {
    /** No token needed (login, webhook, health). */
    public?: boolean;
    /** false: not under the per-user limit (the webhook, which Meta bursts). */
    rateLimit?: boolean;
    /** Open to a user who must still set up two-factor authentication (MFA_REQUIRED_ROLES). */
    beforeMfa?: boolean;
  }
}

export interface Principal {
  role: string;
  permissions: readonly string[];
  /** The role requires two-factor authentication and the user has not set it up yet. */
  mfaPending?: boolean;
}

const mfaFirst = () =>
  new AppError(
    403,
    'MFA_REQUIRED',
    'Your role requires two-factor authentication: set it up first (POST /auth/mfa/setup)',
  );

/** The user's role as it is now; undefined once the token's session ended or the user is gone. */
export type PrincipalLoader = (claims: AccessClaims) => Promise<Principal | undefined>;

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Authenticates every /api route that is not marked public. The session, user and role are read
 * on each request, so a revoked session, a disabled user or a changed role takes effect at once.
 */
export function registerAuth(app: FastifyInstance, tokens: TokenService, loadPrincipal: PrincipalLoader) {
  app.decorateRequest('ctx', undefined);
  app.decorateRequest('auth', undefined);
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url?.startsWith('/api/') || request.routeOptions.config.public) return;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthenticated();
    const claims = await tokens.verify(token);
    if (!claims) throw unauthenticated('Invalid or expired token');
    const principal = await loadPrincipal(claims);
    if (!principal) throw unauthenticated('Invalid or expired token');
    if (principal.mfaPending && !request.routeOptions.config.beforeMfa) throw mfaFirst();
    request.auth = claims;
    request.ctx = {
      tenantId: claims.tenantId,
      userId: claims.userId,
      role: principal.role,
      permissions: new Set(principal.permissions as Permission[]),
      requestId: request.id,
      ip: request.ip,
    };
  });
}

/** The request's context; only called on authenticated routes. */
export function ctxOf(request: FastifyRequest): RequestContext {
  if (!request.ctx) throw unauthenticated();
  return request.ctx;
}

/** preHandler guard: every listed permission is required. Runs before any visibility check. */
export type PermissionGuard = ((request: FastifyRequest) => Promise<void>) & {
  permissions: readonly Permission[];
};

/**
 * preValidation guard: every listed permission is required. Runs before any visibility check.
 * The guard carries its permissions so the route table (and the route sweep test) can list them.
 */
export const requirePermission = (...permissions: Permission[]): PermissionGuard =>
  Object.assign(
    async (request: FastifyRequest) => {
      const ctx = ctxOf(request);
      if (!permissions.every((p) => ctx.permissions.has(p))) throw forbidden();
    },
    { permissions },
  );

/** The permissions a route's guards require (empty for routes any authenticated user may call). */
export const guardedPermissions = (hooks: unknown): string[] =>
  [hooks]
    .flat()
    .flatMap((h) =>
      typeof h === 'function' && 'permissions' in h ? (h as PermissionGuard).permissions : [],
    );
