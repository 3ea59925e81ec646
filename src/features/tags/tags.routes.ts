import type { Db } from '../../db/client.js';
import { crudRoutes } from '../catalog/crud.routes.js';
import { createCrudService, definedOnly } from '../catalog/crud.service.js';
import {
  createTagBody,
  tagSchema,
  toTagDto,
  updateTagBody,
  type CreateTagInput,
  type UpdateTagInput,
} from './tags.schema.js';
import { tags } from './tags.table.js';

export function tagsRoutes(db: Db) {
  const service = createCrudService(db, {
    table: tags,
    entity: 'tag',
    label: 'Tag',
    toDto: toTagDto,
    toInsert: (_ctx, input: CreateTagInput) => ({ name: input.name, color: input.color ?? null }),
    toUpdate: (_ctx, input: UpdateTagInput) => definedOnly(input),
    conflictMessage: 'A tag with this name already exists',
  });
  return crudRoutes(
    {
      path: '/tags',
      tag: 'tags',
      item: tagSchema,
      create: createTagBody,
      update: updateTagBody,
      write: 'tags:write',
    },
    service,
  );
}
