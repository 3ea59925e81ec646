import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage } from '../../http/pagination.js';
import type { SecretBox } from '../../platform/crypto.js';
import type { GraphClient, GraphFailure } from '../../whatsapp/outbound/graph-client.js';
import { classifyFailure, failureError } from '../../whatsapp/outbound/graph-failures.js';
import { markUnhealthy } from '../../whatsapp/outbound/integration-health.js';
import { credentialsOf } from '../../whatsapp/outbound/outbound-deps.js';
import { recordAudit } from '../audit/audit.service.js';
import { whatsappIntegrations, type WhatsappIntegration } from '../integrations/integrations.table.js';
import { metaTemplatesApi } from './meta-templates.js';
import { mirrorTemplates } from './templates-sync.js';
import type {
  CreateTemplateInput,
  SyncResult,
  SyncTemplatesInput,
  TemplateDto,
  TemplateListQuery,
} from './templates.schema.js';
import { messageTemplates, type MessageTemplate } from './templates.table.js';

export interface TemplatesDeps {
  db: Db;
  secrets: SecretBox;
  graph: GraphClient;
}

const toTemplateDto = (t: MessageTemplate): TemplateDto => ({
  id: t.id,
  integration_id: t.integrationId,
  name: t.name,
  language: t.language,
  category: t.category,
  status: t.status,
  components: t.components as Record<string, unknown>[],
  meta_template_id: t.metaTemplateId,
  rejection_reason: t.rejectionReason,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

const whatsappError = (detail: string) => new AppError(502, 'WHATSAPP_ERROR', detail);

/** Meta's "no such template" when deleting one that is already gone there. */
const alreadyGone = (f: GraphFailure) =>
  f.kind === 'meta' && /does not exist|not found/i.test(f.error.message);

/** Meta's rules are the caller's rules for templates: its refusals are 400s; its troubles, 502s. */
function refusal(f: GraphFailure): AppError {
  const e = failureError(f);
  const text = e.message && e.message !== e.title ? `${e.title}: ${e.message}` : e.title;
  switch (classifyFailure(f)) {
    case 'final':
      return badRequest(`WhatsApp refused it (${e.code}): ${text}`, [{ field: 'body', message: text }]);
    case 'token':
      return whatsappError(`Meta refused the access token of this WhatsApp number (${e.code}): update it`);
    case 'retry':
      return whatsappError(`WhatsApp is unavailable right now (${text}): try again shortly`);
  }
}

/** Local copies of each number's message templates; Meta is the source of truth. */
export function createTemplatesService({ db, secrets, graph }: TemplatesDeps) {
  async function integrationOf(ctx: RequestContext, id: string) {
    const [row] = await db
      .select()
      .from(whatsappIntegrations)
      .where(and(eq(whatsappIntegrations.id, id), eq(whatsappIntegrations.tenantId, ctx.tenantId)));
    if (!row)
      throw badRequest('Unknown integration', [{ field: 'integration_id', message: 'Unknown integration' }]);
    return row;
  }

  /** The number's WABA API, or why it cannot be used. */
  function apiOf(integration: WhatsappIntegration) {
    if (!integration.businessAccountId) {
      throw badRequest(
        'This WhatsApp number has no business_account_id (WABA id): set it to manage templates',
        [{ field: 'integration_id', message: 'No business_account_id' }],
      );
    }
    const credentials = credentialsOf(secrets, integration);
    if (!credentials.ok) throw whatsappError(credentials.error.message ?? credentials.error.title);
    return metaTemplatesApi(graph, credentials.creds, integration.businessAccountId);
  }

  /** Turns a failed Graph call into the API's answer, marking the number unhealthy on 190. */
  async function fail(integration: WhatsappIntegration, f: GraphFailure): Promise<never> {
    if (classifyFailure(f) === 'token') await markUnhealthy(db, integration, failureError(f));
    throw refusal(f);
  }

  async function find(ctx: RequestContext, id: string) {
    const [row] = await db
      .select()
      .from(messageTemplates)
      .where(and(eq(messageTemplates.id, id), eq(messageTemplates.tenantId, ctx.tenantId)));
    if (!row) throw notFound('Template');
    return row;
  }

  /** Mirrors one number's templates: upserts Meta's, deletes the ones Meta no longer has. */
  async function syncOne(ctx: RequestContext, integration: WhatsappIntegration): Promise<SyncResult> {
    const listed = await apiOf(integration).listAll();
    if (!listed.ok) return fail(integration, listed.failure);
    return db.transaction((tx) => mirrorTemplates(tx, ctx, integration.id, listed.value));
  }

  return {
    async list(ctx: RequestContext, q: TemplateListQuery) {
      const where: SQL | undefined = and(
        eq(messageTemplates.tenantId, ctx.tenantId),
        q.integration_id ? eq(messageTemplates.integrationId, q.integration_id) : undefined,
        q.status ? eq(messageTemplates.status, q.status.toUpperCase()) : undefined,
      );
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(messageTemplates)
          .where(where)
          .orderBy(asc(messageTemplates.createdAt), asc(messageTemplates.id))
          .limit(q.limit)
          .offset(offsetOf(q)),
        db.select({ n: count() }).from(messageTemplates).where(where),
      ]);
      return toPage(rows.map(toTemplateDto), total?.n ?? 0, q);
    },

    /** Submits the template to Meta for review, then keeps Meta's id and status. */
    async create(ctx: RequestContext, input: CreateTemplateInput): Promise<TemplateDto> {
      const { integration_id, ...metaBody } = input;
      const integration = await integrationOf(ctx, integration_id);
      const api = apiOf(integration);
      const [clash] = await db
        .select({ id: messageTemplates.id })
        .from(messageTemplates)
        .where(
          and(
            eq(messageTemplates.tenantId, ctx.tenantId),
            eq(messageTemplates.integrationId, integration.id),
            eq(messageTemplates.name, input.name),
            eq(messageTemplates.language, input.language),
          ),
        );
      if (clash) throw conflict('This number already has a template with this name and language');
      const answer = await api.create(metaBody);
      if (!answer.ok) return fail(integration, answer.failure);
      const metaId = typeof answer.value.id === 'string' ? answer.value.id : null;
      const status = typeof answer.value.status === 'string' ? answer.value.status : 'PENDING';
      const category = typeof answer.value.category === 'string' ? answer.value.category : input.category;
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(messageTemplates)
            .values({
              tenantId: ctx.tenantId,
              integrationId: integration.id,
              name: input.name,
              language: input.language,
              category,
              status,
              components: input.components,
              metaTemplateId: metaId,
            })
            .returning();
          await recordAudit(tx, ctx, {
            action: 'create',
            entityType: 'template',
            entityId: row!.id,
            changes: { integration_id, name: input.name, language: input.language, category },
          });
          return toTemplateDto(row!);
        });
      } catch (err) {
        if (isUniqueViolation(err))
          throw conflict('This number already has a template with this name and language');
        throw err;
      }
    },

    /** Pulls every template of one number (or of every number with a WABA id) from Meta. */
    async sync(ctx: RequestContext, input: SyncTemplatesInput): Promise<SyncResult> {
      const integrations = input.integration_id
        ? [await integrationOf(ctx, input.integration_id)]
        : await db
            .select()
            .from(whatsappIntegrations)
            .where(eq(whatsappIntegrations.tenantId, ctx.tenantId))
            .then((rows) => rows.filter((i) => i.businessAccountId !== null));
      const total: SyncResult = { created: 0, updated: 0, deleted: 0 };
      for (const integration of integrations) {
        const one = await syncOne(ctx, integration);
        total.created += one.created;
        total.updated += one.updated;
        total.deleted += one.deleted;
      }
      return total;
    },

    /** Deletes it on Meta (by name, narrowed to this language by its id), then here. */
    async remove(ctx: RequestContext, id: string): Promise<void> {
      const template = await find(ctx, id);
      const integration = await integrationOf(ctx, template.integrationId);
      const answer = await apiOf(integration).delete(template.name, template.metaTemplateId);
      if (!answer.ok && !alreadyGone(answer.failure)) return fail(integration, answer.failure);
      await db.transaction(async (tx) => {
        await tx
          .delete(messageTemplates)
          .where(and(eq(messageTemplates.id, id), eq(messageTemplates.tenantId, ctx.tenantId)));
        await recordAudit(tx, ctx, {
          action: 'delete',
          entityType: 'template',
          entityId: id,
          changes: { name: template.name, language: template.language },
        });
      });
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
