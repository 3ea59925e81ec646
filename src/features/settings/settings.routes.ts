import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ctxOf, requirePermission } from '../../http/auth.js';
import { authErrors } from '../../http/schemas.js';
import {
  patchTenantSettingsBody,
  patchUserSettingsBody,
  tenantSettingsSchema,
  userSettingsSchema,
} from './settings.schema.js';
import type { TenantSettingsService } from './tenant-settings.service.js';
import type { UserSettingsService } from './user-settings.service.js';

const tags = ['settings'];

export function settingsRoutes(tenant: TenantSettingsService, user: UserSettingsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/settings',
      {
        schema: {
          tags,
          summary: "The tenant's settings (every user reads them)",
          response: { 200: tenantSettingsSchema, ...authErrors },
        },
      },
      (req) => tenant.get(ctxOf(req)),
    );

    r.patch(
      '/settings',
      {
        preValidation: requirePermission('settings:manage'),
        schema: {
          tags,
          summary: 'Changes some tenant settings; nested objects are merged, the whole object is returned',
          body: patchTenantSettingsBody,
          response: { 200: tenantSettingsSchema, ...authErrors },
        },
      },
      (req) => tenant.update(ctxOf(req), req.body),
    );

    r.get(
      '/users/me/settings',
      {
        config: { beforeMfa: true },
        schema: {
          tags,
          summary: "The caller's own preferences",
          response: { 200: userSettingsSchema, ...authErrors },
        },
      },
      (req) => user.get(ctxOf(req)),
    );

    r.patch(
      '/users/me/settings',
      {
        schema: {
          tags,
          summary: "Changes some of the caller's preferences; omitted keys are kept",
          body: patchUserSettingsBody,
          response: { 200: userSettingsSchema, ...authErrors },
        },
      },
      (req) => user.update(ctxOf(req), req.body),
    );
  };
}
