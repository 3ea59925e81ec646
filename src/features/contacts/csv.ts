import { Transform } from 'node:stream';

/**
 * CSV cells (RFC 4180) with a guard against formula injection: a spreadsheet runs a cell that
 * starts with = + - @ (or a tab / carriage return) as a formula, so such cells get a leading
 * single quote on export, and the import takes that quote off again so a file round-trips.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvLine = (cells: (string | null | undefined)[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Reverses the export's guard on one imported cell. */
export const unguardCell = (value: string) => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);

/**
 * Turns CRLF and lone CR into LF before parsing: csv-parse counts a CRLF inside a quoted field
 * as two lines, which would put every later line number of an import report off by one.
 * Works on bytes: CR and LF never occur inside a multi-byte UTF-8 character.
 */
export function normalizeNewlines(): Transform {
  let pendingCr = false;
  const convert = (text: string) => text.replace(/\r\n?/g, '\n');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let text = (pendingCr ? '\r' : '') + chunk.toString('latin1');
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      done(null, Buffer.from(convert(text), 'latin1'));
    },
    flush(done) {
      done(null, pendingCr ? Buffer.from('\n') : undefined);
    },
  });
}
