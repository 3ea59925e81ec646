import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';

const ISSUER = 'apicechat';
const AUDIENCE = 'apicechat-api';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  /** The login this token belongs to (auth_sessions.id): revoking it kills every token it issued. */
  sessionId: string;
  jti: string;
  expiresAt: number;
}

/**
 * Short-lived HS256 access tokens with a jti and a session id (`sid`). Whether the session still
 * stands is the database's answer (sessions.ts), checked with the user on every request.
 */
export interface TokenService {
  issue(
    userId: string,
    tenantId: string,
    sessionId: string,
  ): Promise<{ token: string; jti: string; expiresIn: number }>;
  /** Verifies signature, algorithm, issuer, audience and expiry; undefined when invalid. */
  verify(token: string): Promise<AccessClaims | undefined>;
  readonly ttlSeconds: number;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    async issue(userId, tenantId, sessionId) {
      const jti = uuidv7();
      const token = await new SignJWT({ tid: tenantId, sid: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(jti)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
      return { token, jti, expiresIn: ttlSeconds };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        const { sub, jti, tid, sid, exp } = payload;
        // A token without a session (issued before sessions existed) cannot be revoked: refused.
        if (!sub || !jti || typeof tid !== 'string' || typeof sid !== 'string' || !exp) return undefined;
        return { userId: sub, tenantId: tid, sessionId: sid, jti, expiresAt: exp };
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}
