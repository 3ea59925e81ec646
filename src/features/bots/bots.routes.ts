import type { Db } from '../../db/client.js';
import { crudRoutes } from '../catalog/crud.routes.js';
import { createCrudService, definedOnly } from '../catalog/crud.service.js';
import {
  botSchema,
  createBotBody,
  toBotDto,
  updateBotBody,
  type CreateBotInput,
  type UpdateBotInput,
} from './bots.schema.js';
import { bots } from './bots.table.js';

/** A bot's config is kept out of the audit trail: webhook bots may carry credentials in it. */
const auditChanges = ({ config, ...rest }: CreateBotInput | UpdateBotInput) => ({
  ...rest,
  ...(config !== undefined ? { config: '[changed]' } : {}),
});

export function botsRoutes(db: Db) {
  const service = createCrudService(db, {
    table: bots,
    entity: 'bot',
    label: 'Bot',
    toDto: toBotDto,
    toInsert: (_ctx, input: CreateBotInput) => ({
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      config: input.config ?? {},
    }),
    toUpdate: (_ctx, input: UpdateBotInput) => definedOnly(input),
    auditChanges,
    conflictMessage: 'A bot with this name already exists',
    inUseMessage: 'The bot is the author of messages and cannot be deleted',
  });
  return crudRoutes(
    {
      path: '/bots',
      tag: 'bots',
      item: botSchema,
      create: createBotBody,
      update: updateBotBody,
      write: 'bots:manage',
    },
    service,
  );
}
