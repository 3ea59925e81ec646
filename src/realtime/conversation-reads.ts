import { and, arrayContains, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { READ_ALL } from '../features/conversations/conversation-access.js';
import { conversations } from '../features/conversations/conversations.table.js';
import { roles } from '../features/roles/roles.table.js';
import { users } from '../features/users/users.table.js';

/** The columns the privacy rule looks at, for one conversation of the tenant. */
export async function findConversationAccess(db: Db, tenantId: string, conversationId: string) {
  const [row] = await db
    .select({ tenantId: conversations.tenantId, assignedUserId: conversations.assignedUserId })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.tenantId, tenantId)));
  return row;
}

/** Active users of the tenant whose role sees every conversation (supervisors, admins, custom roles). */
export async function readAllUserIds(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.disabled, false),
        eq(roles.tenantId, tenantId),
        arrayContains(roles.permissions, [READ_ALL]),
      ),
    );
  return rows.map((r) => r.id);
}
