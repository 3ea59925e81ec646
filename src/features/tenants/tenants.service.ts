import type { Executor } from '../../db/client.js';
import { BUILT_IN_ROLES } from '../roles/permissions.js';
import { roles } from '../roles/roles.table.js';
import { tenants } from './tenants.table.js';

export interface TenantDto {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export const toTenantDto = (t: typeof tenants.$inferSelect): TenantDto => ({
  id: t.id,
  name: t.name,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

/** A new tenant always starts with the three built-in roles. */
export async function createTenantWithRoles(exec: Executor, name: string) {
  const [tenant] = await exec.insert(tenants).values({ name }).returning();
  const created = await exec
    .insert(roles)
    .values(
      Object.entries(BUILT_IN_ROLES).map(([roleName, permissions]) => ({
        tenantId: tenant!.id,
        name: roleName,
        permissions,
        builtIn: true,
      })),
    )
    .returning();
  const byName = Object.fromEntries(created.map((r) => [r.name, r])) as Record<
    keyof typeof BUILT_IN_ROLES,
    (typeof created)[number]
  >;
  return { tenant: tenant!, roles: byName };
}
