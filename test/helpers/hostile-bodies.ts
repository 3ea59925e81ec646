import type { JsonSchema, Operation } from './openapi-routes.js';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** What the server must answer: a 4xx problem, 413, or anything but a 5xx (text any field may hold). */
export type Outcome = 'client' | 413 | 'not-5xx';

export interface HostileBody {
  what: string;
  payload: string;
  outcome: Outcome;
}

export const HUGE_STRING_LENGTH = 200_000;
/** Valid but awkward text: a right-to-left override, a non-character, a BOM, a ZWJ emoji, a combining accent. */
export const UNICODE_EDGES =
  '\u202Egnp.exe \uFFFF \uFEFF \u{1F600}\u{1F469}\u200D\u{1F469}\u200D\u{1F467} e\u0301';
/** Parsed fine, but far deeper than JSON.stringify's recursion can follow. */
const NESTING = 100_000;

const typeOf = (v: unknown): JsonType =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : (typeof v as JsonType);

/** The JSON types a schema accepts; undefined when it accepts anything. */
function acceptedTypes(s: JsonSchema): Set<JsonType> | undefined {
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const all = new Set<JsonType>();
    for (const b of branches) {
      const types = acceptedTypes(b);
      if (!types) return undefined;
      types.forEach((x) => all.add(x));
    }
    return all;
  }
  if (s.allOf?.[0]) return acceptedTypes(s.allOf[0]);
  if (s.enum) return new Set(s.enum.map(typeOf));
  if (s.const !== undefined) return new Set([typeOf(s.const)]);
  if (s.type === undefined) return undefined;
  const types = new Set([s.type].flat() as JsonType[]);
  if (types.has('number')) types.add('integer');
  return types;
}

const WRONG_VALUES: unknown[] = [42, 'text', true, { nested: 'object' }, ['an', 'array'], null];

/** A value of a JSON type the schema does not accept, if there is one. */
function wrongValue(s: JsonSchema): unknown {
  const types = acceptedTypes(s);
  return types && WRONG_VALUES.find((v) => !types.has(typeOf(v)));
}

/** Whether every string the schema accepts is bounded (length, pattern, format or a fixed set). */
function boundedString(s: JsonSchema): boolean {
  const branches = (s.anyOf ?? s.oneOf ?? [s]).filter((b) => acceptedTypes(b)?.has('string') ?? true);
  return branches.every(
    (b) =>
      b.maxLength !== undefined || b.pattern !== undefined || b.enum !== undefined || b.const !== undefined,
  );
}

/** The body's object schema (the object branch of `object | null` bodies). */
export function objectSchema(body: JsonSchema | undefined): JsonSchema | undefined {
  if (!body) return undefined;
  if (body.properties) return body;
  return (body.anyOf ?? body.oneOf)?.find((b) => b.properties);
}

const asObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Broken versions of a valid body: as a whole (malformed, not an object, oversize) and one field at a
 * time (wrong type, a 200k-character string, NUL, a lone surrogate, awkward unicode, NUL keys,
 * absurd nesting).
 */
export function hostileBodies(op: Operation, valid: unknown): HostileBody[] {
  const base = asObject(valid);
  const json = (what: string, value: unknown, outcome: Outcome = 'client'): HostileBody => ({
    what,
    payload: JSON.stringify(value),
    outcome,
  });
  const cases: HostileBody[] = [
    { what: 'malformed JSON', payload: '{"name": ', outcome: 'client' },
    json('an array', [base]),
    json('a bare string', 'text'),
    json('an unknown field', { ...base, ['x'.repeat(64)]: 'y'.repeat(HUGE_STRING_LENGTH) }),
    json('an oversize body', { ...base, padding: 'x'.repeat(op.bodyLimit + 1) }, 413),
  ];
  const fields = objectSchema(op.body)?.properties ?? {};
  for (const [field, schema] of Object.entries(fields)) {
    const set = (value: unknown) => ({ ...base, [field]: value });
    const types = acceptedTypes(schema);
    const wrong = wrongValue(schema);
    if (wrong !== undefined) cases.push(json(`${field}: ${JSON.stringify(wrong)}`, set(wrong)));
    if (!types || types.has('string')) {
      const huge = 'x'.repeat(HUGE_STRING_LENGTH);
      cases.push(json(`${field}: a huge string`, set(huge), boundedString(schema) ? 'client' : 'not-5xx'));
      cases.push(json(`${field}: a NUL character`, set('before\u0000after')));
      cases.push(json(`${field}: a lone surrogate`, set('before\uD800after')));
      cases.push(json(`${field}: unicode edge cases`, set(UNICODE_EDGES), 'not-5xx'));
    }
    if (!types || types.has('object')) {
      cases.push(json(`${field}: a NUL in a key and a value`, set({ 'k\u0000': 'v\u0000' })));
      const deep = `${'['.repeat(NESTING)}${']'.repeat(NESTING)}`;
      cases.push({
        what: `${field}: nested ${NESTING} levels deep`,
        payload: JSON.stringify(set({ deep: 0 })).replace('{"deep":0}', `{"deep":${deep}}`),
        outcome: 'client',
      });
    }
    if (types?.has('array')) cases.push(json(`${field}: a NUL in an item`, set(['before\u0000after'])));
  }
  return cases;
}
