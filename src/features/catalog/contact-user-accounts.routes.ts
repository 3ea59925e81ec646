import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest, type FieldError } from '../../http/errors.js';
import type { SecretBox } from '../../platform/crypto.js';
import { contactScope, contactVisibility } from '../contacts/contact-access.js';
import { contacts } from '../contacts/contacts.table.js';
import {
  accountListQuery,
  accountSchema,
  createAccountBody,
  toAccountDto,
  updateAccountBody,
  type AccountListQuery,
  type CreateAccountInput,
  type UpdateAccountInput,
} from './contact-user-accounts.schema.js';
import { crudRoutes } from './crud.routes.js';
import { createCrudService, definedOnly, type CrudTable } from './crud.service.js';
import { applications, contactUserAccounts, devices, servers } from './catalog.table.js';

type Reference = 'contact_id' | 'server_id' | 'application_id' | 'device_id';

const REFERENCED: Record<Exclude<Reference, 'contact_id'>, { table: CrudTable; label: string }> = {
  server_id: { table: servers, label: 'server' },
  application_id: { table: applications, label: 'application' },
  device_id: { table: devices, label: 'device' },
};

/** Every referenced id must be a row of the caller's tenant (and a contact it may see): else 400. */
async function checkReferences(
  tx: Tx,
  ctx: RequestContext,
  input: Partial<Record<Reference, string | null>>,
) {
  const errors: FieldError[] = [];
  if (input.contact_id) {
    const [found] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.id, input.contact_id), contactScope(ctx)));
    if (!found) errors.push({ field: 'contact_id', message: 'Unknown contact' });
  }
  for (const [field, { table, label }] of Object.entries(REFERENCED)) {
    const id = input[field as Reference];
    if (!id) continue;
    const [found] = await tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, id), eq(table.tenantId, ctx.tenantId)));
    if (!found) errors.push({ field, message: `Unknown ${label}` });
  }
  if (errors.length) throw badRequest('Referenced records do not exist', errors);
}

function dateOf(iso: string | null | undefined): Date | null | undefined {
  if (iso === undefined || iso === null) return iso;
  return new Date(iso);
}

/** The password is never in the trail, only the fact that it was set. */
const auditChanges = ({ password_final, ...rest }: CreateAccountInput | UpdateAccountInput) => ({
  ...rest,
  ...(password_final !== undefined ? { password_final: '[changed]' } : {}),
});

export function contactUserAccountsRoutes(db: Db, secrets: SecretBox) {
  const service = createCrudService(db, {
    table: contactUserAccounts,
    entity: 'contact_user_account',
    label: 'Contact user account',
    toDto: toAccountDto,
    async toInsert(ctx, input: CreateAccountInput, tx) {
      await checkReferences(tx, ctx, input);
      return {
        contactId: input.contact_id,
        usernameFinal: input.username_final,
        passwordFinalEncrypted: secrets.encrypt(input.password_final),
        serverId: input.server_id,
        idLineServer: input.id_line_server ?? null,
        dateExp: dateOf(input.date_exp) ?? null,
        applicationId: input.application_id ?? null,
        deviceId: input.device_id ?? null,
      };
    },
    async toUpdate(ctx, input: UpdateAccountInput, tx) {
      await checkReferences(tx, ctx, input);
      return definedOnly({
        contactId: input.contact_id,
        usernameFinal: input.username_final,
        passwordFinalEncrypted:
          input.password_final === undefined ? undefined : secrets.encrypt(input.password_final),
        serverId: input.server_id,
        idLineServer: input.id_line_server,
        dateExp: dateOf(input.date_exp),
        applicationId: input.application_id,
        deviceId: input.device_id,
      });
    },
    auditChanges,
    readScope: (ctx) => contactVisibility(ctx, contactUserAccounts.contactId),
    listFilter: (q: AccountListQuery) =>
      q.contact_id ? eq(contactUserAccounts.contactId, q.contact_id) : undefined,
    conflictMessage: 'This contact user account already exists',
  });
  return crudRoutes(
    {
      path: '/contact-user-accounts',
      tag: 'contact-user-accounts',
      item: accountSchema,
      create: createAccountBody,
      update: updateAccountBody,
      query: accountListQuery,
      write: 'catalog:write',
    },
    service,
  );
}
