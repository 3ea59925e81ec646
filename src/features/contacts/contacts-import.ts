import { parse, type CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/client.js';
import type { RequestContext } from '../../http/context.js';
import { badRequest } from '../../http/errors.js';
import { DomainEventType } from '../../platform/event-types.js';
import { yieldToEventLoop } from '../../platform/event-loop.js';
import type { DomainEvents } from '../../platform/events.js';
import { planBatch, type ImportRow } from './contacts-import-plan.js';
import { readHeader, readRow, startLine, type Column, type ImportFailure } from './contacts-import-rows.js';
import { writePlans } from './contacts-import-write.js';
import { toContactDto, withTags } from './contacts-query.js';
import { uniqueContactField } from './contacts.service.js';
import { normalizeNewlines } from './csv.js';

export interface ImportResult {
  created: number;
  updated: number;
  failed: ImportFailure[];
}

export const IMPORT_MAX_ROWS = 100_000;
/**
 * Rows per batch. A batch's statements run without a pause (on PGlite, inside the process), so
 * its size bounds how long other requests wait for the import: tens of ms per batch here.
 */
const BATCH = 100;

export interface ImportOptions {
  maxRows?: number;
}

/**
 * Upserts contacts from a CSV stream (header line first) by phone number or external id, in
 * batches: each batch is planned with one lookup, written in one transaction and announced after
 * it commits. Bad lines are reported, never fatal; a batch that hits a constraint (a concurrent
 * write, a whatsapp_user_id already taken) is retried contact by contact to isolate the culprits.
 * Between the steps of a batch the event loop runs, so a 100k-row import never holds up the
 * requests of other users (the parser's buffered records alone would never let it).
 */
export async function importContacts(
  db: Db,
  events: DomainEvents,
  ctx: RequestContext,
  source: Readable,
  { maxRows = IMPORT_MAX_ROWS }: ImportOptions = {},
): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, failed: [] };

  async function flush(rows: ImportRow[]) {
    if (!rows.length) return;
    const plans = await planBatch(db, ctx, rows, result.failed);
    await yieldToEventLoop();
    let written = await tryWrite(plans);
    await yieldToEventLoop();
    if (!written) {
      written = [];
      for (const plan of plans) {
        const one = await tryWrite([plan]);
        if (one) written.push(...one);
      }
    }
    const created = new Set(plans.filter((p) => p.isNew).map((p) => p.id));
    // A contact the import just created has no tags yet: only updated ones need the lookup.
    const dtos = [
      ...written.filter((c) => created.has(c.id)).map((c) => toContactDto(c)),
      ...(await withTags(
        db,
        ctx.tenantId,
        written.filter((c) => !created.has(c.id)),
      )),
    ];
    events.publish(
      ...dtos.map((c) => ({
        type: created.has(c.id) ? DomainEventType.ContactCreated : DomainEventType.ContactUpdated,
        tenantId: ctx.tenantId,
        payload: c,
        actorUserId: ctx.userId,
      })),
    );
  }

  /** Writes the plans in one transaction; on a constraint clash with a single plan, fails its lines. */
  async function tryWrite(plans: Awaited<ReturnType<typeof planBatch>>) {
    try {
      const rows = await db.transaction((tx) => writePlans(tx, ctx, plans));
      for (const { kind } of plans.flatMap((p) => p.lines)) result[kind]++;
      return rows;
    } catch (err) {
      const field = uniqueContactField(err);
      if (!field) throw err;
      if (plans.length > 1) return undefined;
      const error = `Another contact already has this ${field}`;
      result.failed.push(...plans[0]!.lines.map(({ line }) => ({ line, error })));
      return [];
    }
  }

  const parser = parse({
    bom: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: 1 << 20,
    record_delimiter: '\n',
    info: true,
  });
  parser.on('skip', (err: CsvError) => {
    result.failed.push({ line: typeof err.lines === 'number' ? err.lines : 0, error: err.message });
  });
  // An upload that breaks off (too large, connection lost) ends the import at the last whole record;
  // what was read before stays imported and the answer says where it stopped.
  let interrupted: Error | undefined;
  source.on('error', (err) => {
    interrupted = err;
    parser.destroy();
  });
  const newlines = normalizeNewlines();
  source.pipe(newlines).pipe(parser);

  let columns: (Column | null)[] | undefined;
  let batch: ImportRow[] = [];
  let rows = 0;
  let lastLine = 0;
  let beyondLimit: { first: number; count: number } | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = startLine(info.lines, record);
      lastLine = info.lines;
      if (!columns) {
        columns = readHeader(record);
        continue;
      }
      if (++rows > maxRows) {
        beyondLimit = { first: beyondLimit?.first ?? line, count: (beyondLimit?.count ?? 0) + 1 };
        continue;
      }
      const row = readRow(columns, record, line);
      if ('error' in row) result.failed.push(row);
      else batch.push(row);
      if (batch.length >= BATCH) {
        await flush(batch);
        batch = [];
      }
    }
  } catch (err) {
    if (!interrupted) throw err;
  } finally {
    // Whatever happened, the rest of the upload is read and dropped so the request can complete.
    source.unpipe(newlines);
    source.resume();
  }
  if (!columns)
    throw badRequest('The file is empty', [{ field: 'file', message: 'A header line is required' }]);
  await flush(batch);
  if (interrupted) {
    result.failed.push({
      line: lastLine + 1,
      error: `The file was not read to the end (${interrupted.message}): this line and the rest were not imported`,
    });
  }
  if (beyondLimit) {
    result.failed.push({
      line: beyondLimit.first,
      error: `At most ${maxRows} rows are imported per file: this line and the ${beyondLimit.count - 1} after it were not`,
    });
  }
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}
