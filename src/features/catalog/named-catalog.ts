import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { crudRoutes } from './crud.routes.js';
import { createCrudService, definedOnly, type CrudTable } from './crud.service.js';

/** Servers, applications and devices are the same thing: a per-tenant list of unique names. */
export const namedItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type NamedItemDto = z.infer<typeof namedItemSchema>;

const name = z.string().trim().min(1).max(100).describe('Unique per tenant, case-insensitively');
export const namedItemBody = z.strictObject({ name });
export const namedItemPatch = z.strictObject({ name: name.optional() });

type NamedTable = CrudTable & {
  $inferSelect: { id: string; name: string; createdAt: Date; updatedAt: Date };
};

export interface NamedCatalog {
  table: NamedTable;
  /** Audit entity_type and OpenAPI tag, e.g. 'server'. */
  entity: string;
  label: string;
  path: string;
}

export function namedCatalogRoutes(db: Db, { table, entity, label, path }: NamedCatalog) {
  const service = createCrudService(db, {
    table,
    entity,
    label,
    toDto: (row: NamedTable['$inferSelect']): NamedItemDto => ({
      id: row.id,
      name: row.name,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    }),
    toInsert: (_ctx, input: z.infer<typeof namedItemBody>) => ({ name: input.name }),
    toUpdate: (_ctx, input: z.infer<typeof namedItemPatch>) => definedOnly(input),
    conflictMessage: `A ${entity} with this name already exists`,
    inUseMessage: `The ${entity} is still used by contact user accounts`,
  });
  return crudRoutes(
    {
      path,
      tag: path.slice(1),
      item: namedItemSchema,
      create: namedItemBody,
      update: namedItemPatch,
      write: 'catalog:write',
    },
    service,
  );
}
