import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import type { RequestContext } from '../../http/context.js';
import { conflict, notFound } from '../../http/errors.js';
import { offsetOf, toPage, type Page, type PageQuery } from '../../http/pagination.js';
import { recordAudit } from '../audit/audit.service.js';

/** A tenant-owned table with the house columns; every CRUD module of the catalog has them. */
export type CrudTable = PgTable & {
  id: AnyPgColumn;
  tenantId: AnyPgColumn;
  createdAt: AnyPgColumn;
  updatedAt: AnyPgColumn;
};

type Row<T extends CrudTable> = T['$inferSelect'];
type Values<T extends CrudTable> = Omit<T['$inferInsert'], 'tenantId'>;

/** What differs between two CRUD modules; everything else (scoping, paging, audit, 404/409) is shared. */
export interface CrudSpec<T extends CrudTable, Dto, Create, Update, Query extends PageQuery = PageQuery> {
  table: T;
  /** The audit log's entity_type, e.g. 'server'. */
  entity: string;
  /** For messages: 'Server not found'. */
  label: string;
  toDto(row: Row<T>): Dto;
  /** Column values of a new row. May check referenced ids against the caller's tenant (400 otherwise). */
  toInsert(ctx: RequestContext, input: Create, tx: Tx): Values<T> | Promise<Values<T>>;
  toUpdate(ctx: RequestContext, input: Update, tx: Tx): Partial<Values<T>> | Promise<Partial<Values<T>>>;
  /** What the audit row keeps of an input; secrets are redacted by recordAudit either way. */
  auditChanges?(input: Create | Update): Record<string, unknown>;
  /** Narrows the rows a caller may read (privacy beyond the tenant); unset = the whole tenant. */
  readScope?(ctx: RequestContext): SQL | undefined;
  /** Extra list filters taken from the query string. */
  listFilter?(query: Query): SQL | undefined;
  /** 409 message for a unique clash. */
  conflictMessage: string;
  /** 409 message when other rows still reference the one being deleted. */
  inUseMessage?: string;
}

export interface CrudService<Dto, Create, Update, Query extends PageQuery = PageQuery> {
  list(ctx: RequestContext, query: Query): Promise<Page<Dto>>;
  get(ctx: RequestContext, id: string): Promise<Dto>;
  create(ctx: RequestContext, input: Create): Promise<Dto>;
  update(ctx: RequestContext, id: string, input: Update): Promise<Dto>;
  remove(ctx: RequestContext, id: string): Promise<void>;
}

async function translateConstraintErrors<R>(
  work: () => Promise<R>,
  messages: { conflict: string; inUse?: string | undefined },
): Promise<R> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(messages.conflict);
    if (messages.inUse && isForeignKeyViolation(err)) throw conflict(messages.inUse);
    throw err;
  }
}

/**
 * One implementation of list/get/create/update/delete for a tenant-owned table: every query is
 * scoped to ctx.tenantId (another tenant's row is 404), lists use the (tenant_id, created_at, id)
 * index, and each write records its audit row in the same transaction.
 */
export function createCrudService<
  T extends CrudTable,
  Dto,
  Create,
  Update,
  Query extends PageQuery = PageQuery,
>(db: Db, spec: CrudSpec<T, Dto, Create, Update, Query>): CrudService<Dto, Create, Update, Query> {
  // Drizzle cannot resolve column types through a generic table; the spec's types are the contract.
  const t = spec.table as CrudTable;
  const messages = { conflict: spec.conflictMessage, inUse: spec.inUseMessage };
  const scope = (ctx: RequestContext, ...more: (SQL | undefined)[]) =>
    and(eq(t.tenantId, ctx.tenantId), spec.readScope?.(ctx), ...more);
  const byId = (ctx: RequestContext, id: string) => and(eq(t.id, id), eq(t.tenantId, ctx.tenantId));
  const audit = (input: Create | Update) =>
    spec.auditChanges ? spec.auditChanges(input) : (input as Record<string, unknown>);

  async function find(ctx: RequestContext, id: string): Promise<Row<T>> {
    const [row] = (await db
      .select()
      .from(t)
      .where(scope(ctx, eq(t.id, id)))) as Row<T>[];
    if (!row) throw notFound(spec.label);
    return row;
  }

  return {
    async list(ctx, query) {
      const where = scope(ctx, spec.listFilter?.(query));
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(t)
          .where(where)
          .orderBy(asc(t.createdAt), asc(t.id))
          .limit(query.limit)
          .offset(offsetOf(query)) as Promise<Row<T>[]>,
        db.select({ n: count() }).from(t).where(where),
      ]);
      return toPage(
        rows.map((row) => spec.toDto(row)),
        total?.n ?? 0,
        query,
      );
    },

    get: async (ctx, id) => spec.toDto(await find(ctx, id)),

    create: (ctx, input) =>
      translateConstraintErrors(
        () =>
          db.transaction(async (tx) => {
            const values = await spec.toInsert(ctx, input, tx);
            const [row] = (await tx
              .insert(t)
              .values({ ...values, tenantId: ctx.tenantId } as never)
              .returning()) as Row<T>[];
            const id = (row as { id: string }).id;
            await recordAudit(tx, ctx, {
              action: 'create',
              entityType: spec.entity,
              entityId: id,
              changes: audit(input),
            });
            return spec.toDto(row!);
          }),
        messages,
      ),

    async update(ctx, id, input) {
      await find(ctx, id);
      return translateConstraintErrors(
        () =>
          db.transaction(async (tx) => {
            const values = await spec.toUpdate(ctx, input, tx);
            const [row] = (await tx
              .update(t)
              .set({ ...values, updatedAt: new Date() })
              .where(byId(ctx, id))
              .returning()) as Row<T>[];
            await recordAudit(tx, ctx, {
              action: 'update',
              entityType: spec.entity,
              entityId: id,
              changes: audit(input),
            });
            return spec.toDto(row!);
          }),
        messages,
      );
    },

    async remove(ctx, id) {
      const row = await find(ctx, id);
      await translateConstraintErrors(
        () =>
          db.transaction(async (tx) => {
            await tx.delete(t).where(byId(ctx, id));
            await recordAudit(tx, ctx, {
              action: 'delete',
              entityType: spec.entity,
              entityId: id,
              changes: pickName(row),
            });
          }),
        messages,
      );
    },
  };
}

/** The fields of a PATCH body that were given (undefined = leave unchanged; null = clear). */
export function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A deleted row keeps its name in the trail, so "who deleted server X" stays answerable. */
function pickName(row: unknown): Record<string, unknown> {
  const name = (row as { name?: unknown }).name;
  return typeof name === 'string' ? { name } : {};
}
