import { session } from './session';
import type { FieldError, TokenPair } from './types';

export const V1 = '/api/v1';

/** An API failure in plain words, with the stable code for the cases the UI treats specially. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

const PLAIN_WORDS: Record<string, string> = {
  WINDOW_CLOSED:
    "The customer hasn't written in the last 24 hours, so WhatsApp only allows a template message (or a private note).",
  FORBIDDEN: "You don't have permission to do this.",
  PAYLOAD_TOO_LARGE: 'This file is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'This kind of file is not accepted.',
};

export function errorFromProblem(status: number, problem: Problem, retryAfter?: string | null): ApiError {
  const code = problem.code ?? (status >= 500 ? 'INTERNAL_ERROR' : 'ERROR');
  let message = PLAIN_WORDS[code] ?? problem.detail ?? problem.title ?? `Request failed (${status})`;
  if (code === 'RATE_LIMITED') message = `Too many requests: try again in ${retryAfter ?? 'a few'} seconds.`;
  if (status >= 500 && code !== 'SERVICE_UNAVAILABLE')
    message = 'Something went wrong on the server. Try again.';
  return new ApiError(status, code, message, problem.errors ?? []);
}

async function errorOf(res: Response): Promise<ApiError> {
  let problem: Problem = {};
  try {
    problem = (await res.json()) as Problem;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return errorFromProblem(res.status, problem, res.headers.get('retry-after'));
}

export const networkError = () =>
  new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the server. Check your connection and try again.');

let refreshing: Promise<string | null> | null = null;

async function rotate(expiredToken: string): Promise<string | null> {
  const now = session.reload();
  if (!now) return null;
  // Another request or tab already rotated: use its token, never spend the refresh token twice.
  if (now.access_token !== expiredToken) return now.access_token;
  const res = await fetch(`${V1}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: now.refresh_token }),
  });
  if (!res.ok) {
    if (res.status === 400 || res.status === 401) session.clear();
    return null;
  }
  const pair = (await res.json()) as TokenPair;
  session.setTokens(pair);
  return pair.access_token;
}

async function rotateExclusively(expiredToken: string): Promise<string | null> {
  if (!('locks' in navigator)) return rotate(expiredToken);
  return await navigator.locks.request('apicechat.refresh', () => rotate(expiredToken));
}

/**
 * A fresh access token after `expiredToken` was refused, or null when the session is over (the
 * refresh token was refused: the user is logged out). One rotation at a time, across tabs too.
 */
export function refreshSession(expiredToken: string): Promise<string | null> {
  refreshing ??= rotateExclusively(expiredToken).finally(() => (refreshing = null));
  return refreshing;
}

/** Runs a request with the session's token; on 401, rotates the tokens once and tries again. */
export async function withAuth<R extends { status: number }>(attempt: (token: string | null) => Promise<R>) {
  const token = session.get()?.access_token ?? null;
  const first = await attempt(token);
  if (first.status !== 401 || !token) return first;
  const fresh = await refreshSession(token);
  return fresh ? attempt(fresh) : first;
}

type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Use this token instead of the session's (no refresh on 401). */
  token?: string | undefined;
}

export function urlOf(path: string, query?: Record<string, QueryValue>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** JSON over fetch: the parsed body, or an ApiError in plain words. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const hasBody = options.body !== undefined;
  let res: Response;
  try {
    const send = (token: string | null) =>
      fetch(urlOf(path, options.query), {
        method: options.method ?? 'GET',
        headers: {
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: hasBody ? JSON.stringify(options.body) : null,
        signal: options.signal ?? null,
      });
    res = await (options.token ? send(options.token) : withAuth(send));
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw networkError();
  }
  if (!res.ok) throw await errorOf(res);
  // 204, and the 202 of the mail-sending routes, have no body.
  const text = res.status === 204 ? '' : await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
