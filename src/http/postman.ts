/**
 * A Postman collection (v2.1) made from the OpenAPI document, so the collection users import is
 * never out of step with the routes: one folder per OpenAPI tag, one request per operation, path
 * parameters as `:name`, bodies as an example built from the request schema, and bearer auth
 * from the collection variable `access_token`.
 */

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  example?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  operationId?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const SAMPLE_FORMATS: Record<string, string> = {
  uuid: '00000000-0000-7000-8000-000000000000',
  email: 'user@example.com',
  'date-time': '2026-01-01T00:00:00.000Z',
  date: '2026-01-01',
  uri: 'https://example.com',
};

/** A plausible value for a schema: enough for a user to see the shape and edit it. */
export function sampleOf(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.anyOf ?? schema.oneOf;
  if (variant?.length) return sampleOf(variant.find((s) => s.type !== 'null') ?? variant[0], depth + 1);
  if (schema.allOf?.length)
    return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s, depth + 1) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, s]) => [key, sampleOf(s, depth + 1)]),
      );
    case 'array':
      return [sampleOf(schema.items, depth + 1)];
    case 'string':
      return (schema.format && SAMPLE_FORMATS[schema.format]) ?? 'string';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Query values are strings: scalars as they are, anything structured as its JSON. */
const queryValue = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

function request(path: string, method: string, op: Operation) {
  const segments = path
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/^\{(.+)\}$/, ':$1'));
  const params = op.parameters ?? [];
  const query = params
    .filter((p) => p.in === 'query')
    .map((p) => ({
      key: p.name,
      value: queryValue(sampleOf(p.schema)),
      description: p.description,
      disabled: !p.required,
    }));
  const variable = params.filter((p) => p.in === 'path').map((p) => ({ key: p.name, value: '' }));
  const content = op.requestBody?.content ?? {};
  const json = content['application/json'];
  const body = json
    ? {
        mode: 'raw',
        raw: JSON.stringify(sampleOf(json.schema), null, 2),
        options: { raw: { language: 'json' } },
      }
    : content['multipart/form-data']
      ? { mode: 'formdata', formdata: [{ key: 'file', type: 'file', src: [] }] }
      : undefined;
  const rawQuery = query.filter((q) => !q.disabled).map((q) => `${q.key}=${q.value}`);
  return {
    name: op.summary ?? `${method.toUpperCase()} ${path}`,
    request: {
      method: method.toUpperCase(),
      description: op.description,
      // Public operations say `security: []`; the others inherit the collection's bearer auth.
      ...(Array.isArray(op.security) && op.security.length === 0 ? { auth: { type: 'noauth' } } : {}),
      header: json ? [{ key: 'Content-Type', value: 'application/json' }] : [],
      url: {
        raw: `{{baseUrl}}${path.replace(/\{(.+?)\}/g, ':$1')}${rawQuery.length ? `?${rawQuery.join('&')}` : ''}`,
        host: ['{{baseUrl}}'],
        path: segments,
        ...(query.length ? { query } : {}),
        ...(variable.length ? { variable } : {}),
      },
      ...(body ? { body } : {}),
    },
  };
}

export function toPostmanCollection(doc: OpenApiDocument, baseUrl: string) {
  const folders = new Map<string, ReturnType<typeof request>[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const folder = op.tags?.[0] ?? path.split('/').filter(Boolean).slice(2, 3)[0] ?? 'other';
      folders.set(folder, [...(folders.get(folder) ?? []), request(path, method, op)]);
    }
  }
  return {
    info: {
      name: doc.info.title,
      description: doc.info.description,
      version: doc.info.version,
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{access_token}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: baseUrl },
      { key: 'access_token', value: '' },
    ],
    item: [...folders.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, item]) => ({ name, item })),
  };
}
