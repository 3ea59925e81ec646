import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ApiRoute } from '../../src/app.js';
import type { TestApp } from './app.js';

/** The parts of a JSON Schema (as @fastify/swagger emits zod's) that the route sweeps read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | JsonSchema;
}

/** One documented operation, joined with what the app registered for it. */
export interface Operation extends ApiRoute {
  /** As OpenAPI names it: `PATCH /api/v1/users/{id}`. */
  key: string;
  /** Path parameter names, in order. */
  params: string[];
  /** Required query parameter names. */
  query: string[];
  /** The JSON request body's schema, when the operation takes one. */
  body?: JsonSchema;
}

export interface SweptApi {
  operations: Operation[];
  /** Documented operations the route table does not have. */
  unregistered: string[];
  /** Registered routes the document does not show. */
  undocumented: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const openApiKey = (r: Pick<ApiRoute, 'method' | 'url'>) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`;

/** Every operation of the served `/openapi.json`, checked against the app's route table. */
export async function sweptApi(t: TestApp): Promise<SweptApi> {
  const res = await t.request({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json<{ paths: Record<string, Record<string, DocumentedOperation>> }>();
  const table = new Map(t.app.apiRoutes.map((r) => [openApiKey(r), r]));
  const operations: Operation[] = [];
  const unregistered: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.includes(method)) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const route = table.get(key);
      if (!route) {
        unregistered.push(key);
        continue;
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      const query = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name);
      operations.push({ ...route, key, params: pathParams(route.url), query, ...(body ? { body } : {}) });
    }
  }
  const documented = new Set(operations.map((o) => o.key));
  const undocumented = [...table.keys()].filter((k) => !documented.has(k));
  return { operations, unregistered, undocumented };
}

interface DocumentedOperation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  parameters?: { in: string; name: string; required?: boolean }[];
}

export const pathParams = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);

/**
 * What a path parameter names, from the segment before it: `users` in /users/:id and
 * /presence/users/:id, `conversation` in /messages/conversation/:id, `phone` in /contacts/phone/:number.
 * Routes outside /api/v1 keep their prefix (`simulator/templates`), since they name other things.
 */
export function paramContext(url: string, param: string): string {
  const segments = url.split('/');
  const at = segments.indexOf(`:${param}`);
  const before = segments[at - 1] ?? '';
  return url.startsWith('/api/') ? before : `${segments[1]}/${before}`;
}

/** The operation's URL with each path parameter filled in (URL-encoded). */
export const concreteUrl = (op: Pick<Operation, 'url'>, value: (param: string) => string) =>
  op.url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(value(name)));

export const takesBody = (op: Pick<Operation, 'method'>) => ['POST', 'PATCH', 'PUT'].includes(op.method);

export const label = (op: Pick<Operation, 'key'>, what?: string) =>
  what ? `${op.key} with ${what}` : op.key;

/** Asserts an RFC 9457 problem answer of that status (or of any 4xx when status is 'client'). */
export function expectProblem(res: LightMyRequestResponse, status: number | 'client', why: string) {
  // Soft: one run lists every route that breaks the rule, not just the first.
  const detail = `${why} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (status === 'client') {
    expect.soft(res.statusCode >= 400 && res.statusCode < 500, `${detail}: not a 4xx`).toBe(true);
  } else {
    expect.soft(res.statusCode, detail).toBe(status);
  }
  expect.soft(res.headers['content-type'], detail).toMatch(/^application\/problem\+json/);
}
