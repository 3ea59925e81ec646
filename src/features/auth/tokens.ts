import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import type { KeyValueStore } from '../../platform/kv.js';

const ISSUER = 'apicechat';
const AUDIENCE = 'apicechat-api';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  jti: string;
  expiresAt: number;
}

/** Short-lived HS256 access tokens with a jti, and the denylist that kills one at logout. */
export interface TokenService {
  issue(userId: string, tenantId: string): Promise<{ token: string; jti: string; expiresIn: number }>;
  /** Verifies signature, algorithm, issuer, audience, expiry and the denylist; undefined when invalid. */
  verify(token: string): Promise<AccessClaims | undefined>;
  revoke(jti: string, expiresAt?: number): Promise<void>;
  readonly ttlSeconds: number;
}

const denyKey = (jti: string) => `jwt:deny:${jti}`;

export function createTokenService(secret: string, ttlSeconds: number, kv: KeyValueStore): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    async issue(userId, tenantId) {
      const jti = uuidv7();
      const token = await new SignJWT({ tid: tenantId })
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
        if (!payload.sub || !payload.jti || typeof payload.tid !== 'string' || !payload.exp) return undefined;
        if (await kv.get(denyKey(payload.jti))) return undefined;
        return { userId: payload.sub, tenantId: payload.tid, jti: payload.jti, expiresAt: payload.exp };
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return undefined;
        throw err;
      }
    },
    async revoke(jti, expiresAt) {
      const remaining = expiresAt ? expiresAt - Math.floor(Date.now() / 1000) : ttlSeconds;
      // Kept a little past expiry so clock skew between instances cannot revive it.
      await kv.set(denyKey(jti), '1', Math.max(remaining, 1) + 60);
    },
  };
}
