import { count, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { ConfigError } from '../../config.js';
import { hashPassword } from '../auth/passwords.js';
import { users } from '../users/users.table.js';
import { createTenantWithRoles } from './tenants.service.js';
import { tenants } from './tenants.table.js';

/**
 * On an empty database: the default tenant, its built-in roles and the first admin from env.
 * Returns true when it created them.
 */
export async function bootstrapFirstAdmin(
  db: Db,
  config: Pick<Config, 'admin' | 'defaultTenantName' | 'isProduction'>,
  warn: (message: string) => void,
): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(tenants);
  if ((existing?.n ?? 0) > 0) return false;
  const { username, password, email } = config.admin;
  if (!password) throw new ConfigError('ADMIN_PASSWORD is required to create the first admin in production');
  if (!config.isProduction && password === 'admin123') {
    warn(
      `Created admin "${username}" with the default development password (README): change it before going live`,
    );
  }
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Two instances booting on one empty database: the second waits here and then sees the tenant.
    await tx.execute(sql`select pg_advisory_xact_lock(7314002)`);
    const [again] = await tx.select({ n: count() }).from(tenants);
    if ((again?.n ?? 0) > 0) return false;
    const { tenant, roles } = await createTenantWithRoles(tx, config.defaultTenantName);
    await tx.insert(users).values({
      tenantId: tenant.id,
      roleId: roles.admin.id,
      name: 'Administrator',
      username,
      email: email ?? null,
      passwordHash,
    });
    return true;
  });
}
