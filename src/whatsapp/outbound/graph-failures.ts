import type { MessageError } from '../../features/messages/messages.table.js';
import type { GraphFailure } from './graph-client.js';

/**
 * What to do about a failed Graph call, decided by Meta's `error.code` (130429 comes with HTTP 400,
 * not 429; some proxies answer 5xx without Meta's object):
 * - `retry`: Meta did not take it and may later (throughput, pair rate, Meta-side trouble, no answer);
 * - `token`: the access token is refused (190): the integration is unusable until it is updated;
 * - `final`: Meta refused this request for good (invalid parameter, re-engagement, ...).
 */
export type FailureAction = 'retry' | 'token' | 'final';

/** Meta codes that mean "not now": rate limits, throughput upgrade, Meta-side errors. */
const RETRY_CODES = new Set([
  1, // API unknown
  2, // API service (temporarily unavailable)
  4, // app-level API rate limit
  17, // user-level API rate limit
  80007, // WABA rate limit
  130429, // Cloud API throughput reached
  131000, // something went wrong
  131016, // service overloaded
  131056, // (business, consumer) pair rate limit
  131057, // account in maintenance (throughput upgrade)
  133004, // server temporarily unavailable
]);

export const TOKEN_ERROR_CODE = 190;

export function classifyFailure(f: GraphFailure): FailureAction {
  switch (f.kind) {
    case 'meta':
      if (f.error.code === TOKEN_ERROR_CODE) return 'token';
      return RETRY_CODES.has(f.error.code) || f.error.is_transient === true || f.httpStatus >= 500
        ? 'retry'
        : 'final';
    case 'http':
      return f.httpStatus >= 500 || f.httpStatus === 429 ? 'retry' : 'final';
    case 'timeout':
    case 'network':
    case 'malformed':
      return 'retry';
  }
}

/** Connection errors raised before a request left us: nothing of it can have reached Meta. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A failure that tells nothing about Meta's side: no answer in time, a connection dropped after the
 * request went out, an answer we cannot read. Meta may have accepted the request.
 */
export function mayHaveArrived(f: GraphFailure): boolean {
  switch (f.kind) {
    case 'timeout':
    case 'malformed':
      return true;
    case 'network':
      return !NEVER_CONNECTED.has(f.reason);
    case 'meta':
    case 'http':
      return false;
  }
}

/** Errors the app reports itself carry code 0: they never reached (or never came back from) Meta. */
export const APP_ERROR_CODE = 0;

export const appError = (title: string, message: string): MessageError => ({
  code: APP_ERROR_CODE,
  title,
  message,
});

/** `(#130429) Rate limit hit` -> `Rate limit hit`. */
const withoutCode = (message: string) => message.replace(/^\(#\d+\)\s*/, '');

/** The message's `error` for a failure: Meta's code, title and details when Meta answered. */
export function failureError(f: GraphFailure): MessageError {
  switch (f.kind) {
    case 'meta': {
      const e = f.error;
      const title = e.error_user_title ?? (withoutCode(e.message) || `Error ${e.code}`);
      const message = e.error_data?.details ?? e.error_user_msg ?? e.message;
      return { code: e.code, title, ...(message && message !== title ? { message } : {}) };
    }
    case 'http':
      return appError(
        'WhatsApp error',
        `The Graph API answered HTTP ${f.httpStatus} without an error object`,
      );
    case 'timeout':
      return appError('WhatsApp timeout', 'The Graph API did not answer in time');
    case 'network':
      return appError('WhatsApp unreachable', `The Graph API could not be reached (${f.reason})`);
    case 'malformed':
      return appError(
        'WhatsApp answer unreadable',
        'The Graph API answered a body that is not the JSON expected',
      );
  }
}
