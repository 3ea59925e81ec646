import { z } from 'zod';
import { cursorOf, cursorQuery } from '../../http/pagination.js';

export const auditLogSchema = z.object({
  id: z.uuid(),
  actor_user_id: z.uuid().nullable(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.uuid().nullable(),
  changes: z.record(z.string(), z.unknown()).describe('Changed fields; secrets appear only as "[changed]"'),
  ip: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: z.string(),
});
export type AuditLogDto = z.infer<typeof auditLogSchema>;

export const auditLogQuery = cursorQuery.extend({
  actor_user_id: z.uuid().optional(),
  entity_type: z.string().min(1).max(50).optional(),
  entity_id: z.uuid().optional(),
  action: z.string().min(1).max(50).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('Inclusive lower bound of created_at'),
  to: z.iso.datetime({ offset: true }).optional().describe('Exclusive upper bound of created_at'),
});
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const auditLogPage = cursorOf(auditLogSchema).describe('Newest first');
