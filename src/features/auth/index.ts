import type { Feature } from '../feature.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { mfaRoutes } from './mfa.routes.js';
import { createMfaService } from './mfa.service.js';
import { sessionsRoutes } from './sessions.routes.js';

export const authFeature: Feature = {
  name: 'auth',
  routes: ({ database, tokens, config, platform, events, secrets, mail }) => {
    const mfa = createMfaService(database.db, secrets);
    const auth = createAuthService(
      database.db,
      tokens,
      {
        refreshTtlSeconds: config.refreshTokenTtlSeconds,
        allowSignup: config.allowSignup,
        mfaRequiredRoles: config.mfaRequiredRoles,
      },
      events,
      mfa,
      mail,
      secrets,
    );
    return async (app) => {
      await app.register(authRoutes(auth, platform.rateLimitStore, config.throttle.loginLimit));
      await app.register(mfaRoutes(database.db, mfa));
      await app.register(sessionsRoutes(database.db, events));
    };
  },
};
