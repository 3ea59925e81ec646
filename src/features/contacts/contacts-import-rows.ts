import { z } from 'zod';
import { badRequest, type FieldError } from '../../http/errors.js';
import { unstorable } from '../../http/input-guard.js';
import { EXPORT_COLUMNS } from './contacts-export.js';
import type { ImportRow } from './contacts-import-plan.js';
import { contactFields } from './contacts.schema.js';
import { unguardCell } from './csv.js';

/** A line of the file that cannot be imported, and why. */
export interface ImportFailure {
  line: number;
  error: string;
}

const WRITABLE = ['external_id', 'whatsapp_user_id', 'name', 'phone_number', 'email', 'attributes'] as const;
export type Column = (typeof WRITABLE)[number];
/** Columns of the export that the import accepts and ignores (ids, tags and times are not imported). */
const IGNORED = new Set<string>(EXPORT_COLUMNS.filter((c) => !(WRITABLE as readonly string[]).includes(c)));

const jsonText = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
});

/** One CSV line; an empty cell leaves the field as it is. */
const rowSchema = z.object({
  name: contactFields.name.optional(),
  phone_number: contactFields.phone_number.optional(),
  external_id: contactFields.external_id.optional(),
  whatsapp_user_id: contactFields.whatsapp_user_id.optional(),
  email: contactFields.email.optional(),
  attributes: jsonText.pipe(contactFields.attributes).optional(),
});

export function readHeader(cells: string[]): (Column | null)[] {
  const names = cells.map((c) => c.trim().toLowerCase());
  const errors: FieldError[] = [];
  for (const [i, name] of names.entries()) {
    if (!(WRITABLE as readonly string[]).includes(name) && !IGNORED.has(name)) {
      errors.push({
        field: 'file',
        message: `Unknown column "${name}" (known: ${[...WRITABLE, ...IGNORED].join(', ')})`,
      });
    } else if (names.indexOf(name) !== i) {
      errors.push({ field: 'file', message: `Column "${name}" appears twice` });
    }
  }
  if (!names.includes('phone_number') && !names.includes('external_id')) {
    errors.push({ field: 'file', message: 'The header needs a phone_number or an external_id column' });
  }
  if (errors.length) throw badRequest('The CSV header line is not usable', errors);
  return names.map((n) => ((WRITABLE as readonly string[]).includes(n) ? (n as Column) : null));
}

export function readRow(
  columns: (Column | null)[],
  cells: string[],
  line: number,
): ImportRow | ImportFailure {
  if (cells.length !== columns.length) {
    return { line, error: `Expected ${columns.length} fields, found ${cells.length}` };
  }
  const given: Partial<Record<Column, string>> = {};
  columns.forEach((column, i) => {
    const value = unguardCell(cells[i] ?? '');
    if (column && value !== '') given[column] = value;
  });
  const parsed = rowSchema.safeParse(given);
  if (!parsed.success) {
    return { line, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  // A file is not checked by the request's input guard: NUL, a lone surrogate in attributes' JSON
  // or absurd nesting would fail the whole import's statement instead of this one line.
  const unfit = unstorable(parsed.data);
  if (unfit) return { line, error: `${unfit.field}: ${unfit.message}` };
  const r = parsed.data;
  if (!r.phone_number && !r.external_id) return { line, error: 'phone_number or external_id is required' };
  return {
    line,
    values: {
      name: r.name,
      phoneNumber: r.phone_number,
      externalId: r.external_id,
      whatsappUserId: r.whatsapp_user_id,
      email: r.email,
      attributes: r.attributes,
    },
  };
}

/** The line a record starts on: csv-parse reports the line it ends on, and quoted fields may span lines. */
export const startLine = (endLine: number, cells: string[]) =>
  endLine - cells.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
