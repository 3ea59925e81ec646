/**
 * The one HTTP client of the Graph API: every call has a deadline, and every outcome is a value
 * (never a thrown network error), so callers classify failures in one place (graph-failures.ts).
 */

/** Who a Graph call acts for: an integration's number and its decrypted token. */
export interface GraphCredentials {
  apiVersion: string;
  accessToken: string;
}

/** Meta's error object, as `{error: {...}}` carries it. */
export interface GraphErrorBody {
  code: number;
  message: string;
  type?: string;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: { details?: string };
  is_transient?: boolean;
  fbtrace_id?: string;
}

export type GraphFailure =
  /** Meta answered with its error object. */
  | { kind: 'meta'; httpStatus: number; error: GraphErrorBody }
  /** An error status without Meta's error object (a proxy, a gateway). */
  | { kind: 'http'; httpStatus: number }
  /** No complete answer within the deadline. */
  | { kind: 'timeout' }
  /** The connection failed or dropped. */
  | { kind: 'network'; reason: string }
  /** A success status whose body is not the JSON expected. */
  | { kind: 'malformed'; httpStatus: number };

export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

export interface GraphRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** After the version, e.g. `106540352242922/messages`. */
  path: string;
  query?: Record<string, string | undefined>;
  json?: unknown;
  form?: FormData;
}

export interface GraphClientOptions {
  /** `WHATSAPP_BASE_URL`: graph.facebook.com, or the simulator. */
  baseUrl: string;
  timeoutMs: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function metaError(body: unknown): GraphErrorBody | undefined {
  const error = isObj(body) ? body.error : undefined;
  if (!isObj(error) || typeof error.code !== 'number') return undefined;
  return { ...error, code: error.code, message: typeof error.message === 'string' ? error.message : '' };
}

function parse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const isTimeout = (err: unknown) =>
  err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

function reasonOf(err: unknown): string {
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export function createGraphClient(options: GraphClientOptions) {
  const base = options.baseUrl.replace(/\/$/, '');

  return {
    /** Any Graph call; a 2xx answer must be a JSON object, anything else is a failure. */
    async call<T extends Obj = Obj>(creds: GraphCredentials, req: GraphRequest): Promise<GraphResult<T>> {
      const url = new URL(`${base}/${creds.apiVersion}/${req.path}`);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
      const headers: Record<string, string> = { authorization: `Bearer ${creds.accessToken}` };
      let body: string | FormData | undefined = req.form;
      if (req.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.json);
      }
      let status: number;
      let text: string;
      try {
        // One deadline for the whole exchange: a server that answers headers and then stalls the body
        // is as late as one that never answers.
        const res = await fetch(url, {
          method: req.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        status = res.status;
        text = await res.text();
      } catch (err) {
        return {
          ok: false,
          failure: isTimeout(err) ? { kind: 'timeout' } : { kind: 'network', reason: reasonOf(err) },
        };
      }
      const parsed = parse(text);
      if (status >= 200 && status < 300) {
        return parsed.ok && isObj(parsed.value)
          ? { ok: true, value: parsed.value as T }
          : { ok: false, failure: { kind: 'malformed', httpStatus: status } };
      }
      const error = parsed.ok ? metaError(parsed.value) : undefined;
      return {
        ok: false,
        failure: error ? { kind: 'meta', httpStatus: status, error } : { kind: 'http', httpStatus: status },
      };
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
