import { and, asc, count, eq, ilike, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { likePattern, offsetOf, toPage, type PageQuery } from '../../http/pagination.js';
import type { MailService } from '../../platform/mail.js';
import { mailVerificationLink } from '../account/account-links.js';
import type { DomainEvents } from '../../platform/events.js';
import { recordAudit } from '../audit/audit.service.js';
import { hashPassword } from '../auth/passwords.js';
import { revokeSessions, sessionsRevoked } from '../auth/sessions.js';
import { assertCanGrant } from '../roles/roles.service.js';
import { roles } from '../roles/roles.table.js';
import type { CreateUserInput, UpdateUserInput, UserDto } from './users.schema.js';
import { users } from './users.table.js';

type UserRow = typeof users.$inferSelect;
type RoleRow = typeof roles.$inferSelect;

export function toUserDto(u: UserRow, role: RoleRow, includeRole = false): UserDto {
  return {
    id: u.id,
    tenant_id: u.tenantId,
    name: u.name,
    username: u.username,
    email: u.email,
    phone_number: u.phoneNumber,
    avatar_media_id: u.avatarMediaId,
    role: role.name,
    online: u.online,
    presence: u.presence,
    mfa_enabled: u.mfaEnabled,
    email_verified: u.emailVerified,
    active: u.deactivatedAt === null,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    ...(includeRole ? { role_detail: { id: role.id, name: role.name, permissions: role.permissions } } : {}),
  };
}

const active = and(eq(users.disabled, false));

/** A new address (case aside) must be verified again; the same one keeps its state. */
export const emailChanges = (current: string | null, next: string | null | undefined) =>
  next !== undefined && next?.toLowerCase() !== current?.toLowerCase();

/** Reads a user with its role, scoped to the tenant; disabled users do not exist for the API. */
export async function findUserWithRole(exec: Executor, tenantId: string, userId: string) {
  const [row] = await exec
    .select({ user: users, role: roles })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId), active));
  return row;
}

/** Login accepts a username or an email, case-insensitively, across tenants (both are unique). */
export async function findUserForLogin(db: Db, login: { username?: string; email?: string }) {
  const cond = login.username
    ? sql`lower(${users.username}) = lower(${login.username})`
    : sql`lower(${users.email}) = lower(${login.email ?? ''})`;
  const [row] = await db
    .select({ user: users, role: roles })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(and(cond, active));
  return row;
}

export async function uniqueIdentity<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('A user with this username or email already exists');
    throw err;
  }
}

export function createUsersService(
  db: Db,
  mail: Pick<MailService, 'enqueue'>,
  events: Pick<DomainEvents, 'publish'>,
) {
  /** API.md: a new password, a deletion or a deactivation ends every session of the user at once. */
  const everySession = (ctx: RequestContext, userId: string) => ({ tenantId: ctx.tenantId, userId });

  async function resolveRole(ctx: RequestContext, name: string) {
    const [role] = await db
      .select()
      .from(roles)
      .where(and(eq(roles.tenantId, ctx.tenantId), eq(roles.name, name)));
    if (!role) throw badRequest(`Unknown role "${name}"`, [{ field: 'role', message: 'Unknown role' }]);
    assertCanGrant(ctx, role.permissions);
    return role;
  }

  async function get(ctx: RequestContext, id: string, includeRole = false) {
    const row = await findUserWithRole(db, ctx.tenantId, id);
    if (!row) throw notFound('User');
    return toUserDto(row.user, row.role, includeRole);
  }

  return {
    get,

    async list(ctx: RequestContext, q: PageQuery & { includeRole?: boolean; search?: string }) {
      const pattern = q.search ? likePattern(q.search) : undefined;
      const where = and(
        eq(users.tenantId, ctx.tenantId),
        active,
        pattern
          ? or(ilike(users.name, pattern), ilike(users.username, pattern), ilike(users.email, pattern))
          : undefined,
      );
      const [rows, [total]] = await Promise.all([
        db
          .select({ user: users, role: roles })
          .from(users)
          .innerJoin(roles, eq(roles.id, users.roleId))
          .where(where)
          .orderBy(asc(users.createdAt), asc(users.id))
          .limit(q.limit)
          .offset(offsetOf(q)),
        db.select({ n: count() }).from(users).where(where),
      ]);
      return toPage(
        rows.map((r) => toUserDto(r.user, r.role, q.includeRole)),
        total?.n ?? 0,
        q,
      );
    },

    async create(ctx: RequestContext, input: CreateUserInput) {
      const role = await resolveRole(ctx, input.role);
      const passwordHash = await hashPassword(input.password);
      return uniqueIdentity(() =>
        db.transaction(async (tx) => {
          const [user] = await tx
            .insert(users)
            .values({
              tenantId: ctx.tenantId,
              roleId: role.id,
              name: input.name,
              username: input.username,
              email: input.email ?? null,
              passwordHash,
            })
            .returning();
          await mailVerificationLink(tx, mail, user!);
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'user',
            entityId: user!.id,
            changes: input,
          });
          return toUserDto(user!, role);
        }),
      );
    },

    async update(ctx: RequestContext, id: string, input: UpdateUserInput) {
      const current = await findUserWithRole(db, ctx.tenantId, id);
      if (!current) throw notFound('User');
      let role = current.role;
      if (input.role !== undefined && input.role !== current.role.name) {
        if (id === ctx.userId) throw forbidden('You cannot change your own role');
        role = await resolveRole(ctx, input.role);
      }
      // Editing someone who holds more than you would let you take over their account.
      assertCanGrant(ctx, current.role.permissions);
      const passwordHash = input.password ? await hashPassword(input.password) : undefined;
      const emailChanged = emailChanges(current.user.email, input.email);
      if (input.active === false && id === ctx.userId) throw badRequest('You cannot deactivate yourself');
      const deactivating = input.active === false && current.user.deactivatedAt === null;
      // A new password or a deactivation ends every session of the user.
      const endsSessions = Boolean(passwordHash) || deactivating;
      const updated = await uniqueIdentity(() =>
        db.transaction(async (tx) => {
          const [user] = await tx
            .update(users)
            .set({
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.username !== undefined ? { username: input.username } : {}),
              ...(input.phone_number !== undefined ? { phoneNumber: input.phone_number } : {}),
              ...(emailChanged ? { email: input.email, emailVerified: false } : {}),
              ...(passwordHash ? { passwordHash } : {}),
              ...(deactivating ? { deactivatedAt: new Date() } : {}),
              ...(input.active === true ? { deactivatedAt: null } : {}),
              roleId: role.id,
              updatedAt: new Date(),
            })
            .where(and(eq(users.id, id), eq(users.tenantId, ctx.tenantId)))
            .returning();
          if (emailChanged) await mailVerificationLink(tx, mail, user!);
          if (endsSessions) await revokeSessions(tx, everySession(ctx, id));
          await recordAudit(tx, ctx, { action: 'update', entityType: 'user', entityId: id, changes: input });
          return toUserDto(user!, role);
        }),
      );
      if (endsSessions) events.publish(sessionsRevoked(everySession(ctx, id), ctx.userId));
      return updated;
    },

    async remove(ctx: RequestContext, id: string) {
      const current = await findUserWithRole(db, ctx.tenantId, id);
      if (!current) throw notFound('User');
      if (id === ctx.userId) throw badRequest('You cannot delete yourself');
      assertCanGrant(ctx, current.role.permissions);
      const where = and(eq(users.id, id), eq(users.tenantId, ctx.tenantId));
      await db.transaction(async (tx) => {
        try {
          await tx.transaction(async (savepoint) => {
            await savepoint.delete(users).where(where);
          });
        } catch (err) {
          if (!isForeignKeyViolation(err)) throw err;
          // Authors of messages stay for the history; they are disabled and their login freed.
          await tx
            .update(users)
            .set({
              disabled: true,
              username: `deleted_${id}`,
              email: null,
              online: false,
              updatedAt: new Date(),
            })
            .where(where);
          await revokeSessions(tx, everySession(ctx, id));
        }
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'user',
          entityId: id,
          changes: { username: current.user.username },
        });
      });
      // A deleted user's sessions went with it (cascade); its sockets are still open.
      events.publish(sessionsRevoked(everySession(ctx, id), ctx.userId));
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
