import type { GraphEndpoint } from './endpoints.js';

/** One Graph request as received, with the answer given (tokens are never kept). */
export interface GraphRequest {
  id: number;
  endpoint: GraphEndpoint;
  method: string;
  path: string;
  /** The number the request acted for; null when it named nothing the simulator knows. */
  phone_number_id: string | null;
  /** Parsed JSON, a summary of a multipart upload, or null. */
  body: unknown;
  /** The exact request body text for JSON requests. */
  raw_body: string | null;
  status_code: number | null;
  response: unknown;
  received_at: string;
}

/** Per number, so tests can assert "sent exactly once, with exactly this body" without seeing other tenants. */
const KEEP_PER_NUMBER = 1000;

export function createRequestLog() {
  const byNumber = new Map<string, GraphRequest[]>();
  let seq = 0;
  const key = (phone: string | null) => phone ?? '';

  return {
    record(entry: Omit<GraphRequest, 'id' | 'status_code' | 'response' | 'received_at'>): GraphRequest {
      const request: GraphRequest = {
        ...entry,
        id: ++seq,
        status_code: null,
        response: null,
        received_at: new Date().toISOString(),
      };
      const list = byNumber.get(key(entry.phone_number_id)) ?? [];
      list.push(request);
      if (list.length > KEEP_PER_NUMBER) list.shift();
      byNumber.set(key(entry.phone_number_id), list);
      return request;
    },
    list(phoneNumberId: string, endpoint?: GraphEndpoint): GraphRequest[] {
      const list = byNumber.get(phoneNumberId) ?? [];
      return endpoint ? list.filter((r) => r.endpoint === endpoint) : [...list];
    },
    /** Requests received per endpoint. */
    counts(phoneNumberId: string): Record<string, number> {
      const counts: Record<string, number> = {};
      for (const r of byNumber.get(phoneNumberId) ?? []) counts[r.endpoint] = (counts[r.endpoint] ?? 0) + 1;
      return counts;
    },
    clear(phoneNumberId: string) {
      byNumber.delete(phoneNumberId);
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
