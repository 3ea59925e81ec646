import type { Feature } from '../feature.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';

export const authFeature: Feature = {
  name: 'auth',
  routes: ({ database, tokens, config, platform, events }) =>
    authRoutes(
      createAuthService(
        database.db,
        tokens,
        { refreshTtlSeconds: config.refreshTokenTtlSeconds, allowSignup: config.allowSignup },
        events,
      ),
      platform.rateLimitStore,
      config.throttle.loginLimit,
    ),
};
