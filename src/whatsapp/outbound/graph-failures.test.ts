import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/helpers/whatsapp-fixtures.js';
import type { GraphErrorBody, GraphFailure } from './graph-client.js';
import { classifyFailure, failureError, mayHaveArrived } from './graph-failures.js';

const meta = (name: string, httpStatus: number): GraphFailure => ({
  kind: 'meta',
  httpStatus,
  error: (readFixture(`outbound/${name}.json`) as { error: GraphErrorBody }).error,
});

describe("Graph failures are judged by Meta's error code, not the HTTP status", () => {
  it.each<[string, GraphFailure, string]>([
    ['130429 (HTTP 400)', meta('error_130429_rate_limit', 400), 'retry'],
    ['131056 (HTTP 400)', meta('error_131056_pair_rate_limit', 400), 'retry'],
    ['190 expired token (HTTP 401)', meta('error_190_expired_token', 401), 'token'],
    ['190 invalid token', meta('error_190_invalid_token_openapi', 401), 'token'],
    ['131047 re-engagement (HTTP 400)', meta('error_131047_reengagement_sync', 400), 'final'],
    ['100 invalid parameter (HTTP 400)', meta('error_100_invalid_parameter', 400), 'final'],
    ['100 answered with HTTP 500', meta('error_100_invalid_parameter', 500), 'retry'],
    ['a gateway error without Meta\u2019s object', { kind: 'http', httpStatus: 502 }, 'retry'],
    ['a 404 without Meta\u2019s object', { kind: 'http', httpStatus: 404 }, 'final'],
    ['a timeout', { kind: 'timeout' }, 'retry'],
    ['a dropped connection', { kind: 'network', reason: 'ECONNRESET' }, 'retry'],
    ['malformed JSON', { kind: 'malformed', httpStatus: 200 }, 'retry'],
  ])('%s -> %s', (_, failure, action) => {
    expect(classifyFailure(failure)).toBe(action);
  });

  it("keeps Meta's code, title and details on the message", () => {
    expect(failureError(meta('error_131047_reengagement_sync', 400))).toEqual({
      code: 131047,
      title: 'Re-engagement message',
      message:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    expect(failureError(meta('error_100_invalid_parameter', 400))).toEqual({
      code: 100,
      title: 'Invalid parameter',
      message: "Parameter 'text' is mandatory for component parameter type 'text'",
    });
    expect(failureError({ kind: 'timeout' })).toMatchObject({ code: 0, title: 'WhatsApp timeout' });
  });

  it.each<[string, GraphFailure, boolean]>([
    ['a timeout', { kind: 'timeout' }, true],
    ['a connection dropped after the request left', { kind: 'network', reason: 'UND_ERR_SOCKET' }, true],
    ['a connection reset', { kind: 'network', reason: 'ECONNRESET' }, true],
    ['an unreadable 200', { kind: 'malformed', httpStatus: 200 }, true],
    ['a refused connection', { kind: 'network', reason: 'ECONNREFUSED' }, false],
    ['an unknown host', { kind: 'network', reason: 'ENOTFOUND' }, false],
    ['130429', meta('error_130429_rate_limit', 400), false],
    ['a gateway error', { kind: 'http', httpStatus: 502 }, false],
  ])('%s may have reached Meta: %s', (_, failure, may) => {
    expect(mayHaveArrived(failure)).toBe(may);
  });
});
