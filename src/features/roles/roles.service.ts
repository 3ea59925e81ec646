import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { AppError, conflict, forbidden, notFound } from '../../http/errors.js';
import { offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { users } from '../users/users.table.js';
import type { Permission } from './permissions.js';
import type { CreateRoleInput, RoleDto, UpdateRoleInput } from './roles.schema.js';
import { roles } from './roles.table.js';

type Role = typeof roles.$inferSelect;

export const toRoleDto = (r: Role): RoleDto => ({
  id: r.id,
  name: r.name,
  permissions: r.permissions,
  built_in: r.builtIn,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

/** Nobody grants what they do not hold: this is what stops privilege escalation through roles. */
export function assertCanGrant(ctx: RequestContext, permissions: readonly string[]) {
  const missing = permissions.filter((p) => !ctx.permissions.has(p as Permission));
  if (missing.length) throw forbidden(`You cannot grant permissions you do not hold: ${missing.join(', ')}`);
}

/** Granting and removing alike: a change may only touch permissions the caller holds itself. */
function assertCanChange(ctx: RequestContext, before: readonly string[], after: readonly string[]) {
  const touched = [...after.filter((p) => !before.includes(p)), ...before.filter((p) => !after.includes(p))];
  const missing = touched.filter((p) => !ctx.permissions.has(p as Permission));
  if (missing.length)
    throw forbidden(`You cannot grant or remove permissions you do not hold: ${missing.join(', ')}`);
}

/** The built-in roles shape every user of the tenant: only admins change them. */
function assertMayEdit(ctx: RequestContext, role: Role) {
  if (role.builtIn && ctx.role !== 'admin') throw forbidden('Only admins change the built-in roles');
}

const uniqueName = async <T>(work: () => Promise<T>) => {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A role with this name already exists');
    throw err;
  }
};

export function createRolesService(db: Db) {
  async function find(ctx: RequestContext, id: string): Promise<Role> {
    const [role] = await db
      .select()
      .from(roles)
      .where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)));
    if (!role) throw notFound('Role');
    return role;
  }

  return {
    async list(ctx: RequestContext, q: PageQuery) {
      const where = eq(roles.tenantId, ctx.tenantId);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(roles)
          .where(where)
          .orderBy(asc(roles.createdAt), asc(roles.id))
          .limit(q.limit)
          .offset(offsetOf(q)),
        db.select({ n: count() }).from(roles).where(where),
      ]);
      return toPage(rows.map(toRoleDto), total?.n ?? 0, q);
    },

    get: async (ctx: RequestContext, id: string) => toRoleDto(await find(ctx, id)),

    async create(ctx: RequestContext, input: CreateRoleInput) {
      assertCanGrant(ctx, input.permissions);
      return uniqueName(() =>
        db.transaction(async (tx) => {
          const [role] = await tx
            .insert(roles)
            .values({
              tenantId: ctx.tenantId,
              name: input.name,
              permissions: [...new Set(input.permissions)],
            })
            .returning();
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'role',
            entityId: role!.id,
            changes: input,
          });
          return toRoleDto(role!);
        }),
      );
    },

    async update(ctx: RequestContext, id: string, input: UpdateRoleInput) {
      const role = await find(ctx, id);
      assertMayEdit(ctx, role);
      if (role.builtIn && input.name !== undefined && input.name !== role.name) {
        throw new AppError(409, 'CONFLICT', 'Built-in roles cannot be renamed');
      }
      if (role.builtIn && role.name === 'admin' && input.permissions) {
        throw new AppError(409, 'CONFLICT', 'The admin role always holds every permission');
      }
      if (input.permissions) assertCanChange(ctx, role.permissions, input.permissions);
      return uniqueName(() =>
        db.transaction(async (tx) => {
          const [updated] = await tx
            .update(roles)
            .set({
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.permissions ? { permissions: [...new Set(input.permissions)] } : {}),
              updatedAt: new Date(),
            })
            .where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)))
            .returning();
          await recordAudit(tx, ctx, { action: 'update', entityType: 'role', entityId: id, changes: input });
          return toRoleDto(updated!);
        }),
      );
    },

    async remove(ctx: RequestContext, id: string) {
      const role = await find(ctx, id);
      if (role.builtIn) throw new AppError(409, 'CONFLICT', 'Built-in roles cannot be deleted');
      // Deleting removes every permission the role holds.
      assertCanGrant(ctx, role.permissions);
      const [inUse] = await db.select({ n: count() }).from(users).where(eq(users.roleId, id));
      if ((inUse?.n ?? 0) > 0) throw conflict('The role is still assigned to users');
      await db.transaction(async (tx) => {
        await tx.delete(roles).where(and(eq(roles.id, id), eq(roles.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'role',
          entityId: id,
          changes: { name: role.name },
        });
      });
    },

    async findByName(tenantId: string, name: string): Promise<Role | undefined> {
      const [role] = await db
        .select()
        .from(roles)
        .where(and(eq(roles.tenantId, tenantId), eq(roles.name, name)));
      return role;
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
