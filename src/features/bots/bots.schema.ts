import { z } from 'zod';
import { jsonObject } from '../catalog/json-object.js';
import { botKinds, type Bot } from './bots.table.js';

export const botSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  kind: z.enum(botKinds),
  config: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BotDto = z.infer<typeof botSchema>;

const name = z.string().trim().min(1).max(100);
const description = z.string().max(2000).nullable();
const config = jsonObject(64 * 1024).describe(
  'Free-form settings of the bot (rules, webhook URL...), at most 64 KiB',
);

export const createBotBody = z.strictObject({
  name,
  description: description.optional(),
  kind: z.enum(botKinds).default('rules'),
  config: config.optional(),
});
export const updateBotBody = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  kind: z.enum(botKinds).optional(),
  config: config.optional(),
});
export type CreateBotInput = z.infer<typeof createBotBody>;
export type UpdateBotInput = z.infer<typeof updateBotBody>;

export const toBotDto = (b: Bot): BotDto => ({
  id: b.id,
  name: b.name,
  description: b.description,
  kind: b.kind,
  config: b.config,
  created_at: b.createdAt.toISOString(),
  updated_at: b.updatedAt.toISOString(),
});
