import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

/** pino-pretty is a development dependency: an install without it (`--omit=dev`) logs JSON. */
const hasPretty = () => {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
};

/** Paths that may carry secrets: never written to the log, whatever the level. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  '*.password',
  '*.password_final',
  '*.passwordHash',
  '*.access_token',
  '*.refresh_token',
  '*.app_secret',
  '*.verify_token',
  '*.accessToken',
  '*.appSecret',
  '*.token',
  '*.secret',
];

/**
 * Query parameters whose values are logged. Every other value is replaced: `?token=` of signed
 * media links and sockets, `hub.verify_token`, presigned signatures, search text. An allow-list,
 * so a secret parameter added later is hidden without anyone remembering to list it.
 */
const LOGGED_QUERY_PARAMS = new Set([
  'page',
  'limit',
  'cursor',
  'direction',
  'status',
  'include_payload',
  'include_role',
  'hub.mode',
  'hub.challenge',
]);

const nameOf = (raw: string) => {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
};

/** The URL with the value of every query parameter not known to be harmless replaced. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const query = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0 || LOGGED_QUERY_PARAMS.has(nameOf(pair.slice(0, eq)))) return pair;
      return `${pair.slice(0, eq)}=[redacted]`;
    });
  return `${url.slice(0, start)}?${query.join('&')}`;
}

/** What Fastify's request serializer reads of a request. */
interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the query values redacted (Fastify keeps ours over its own). */
const serializers = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

export interface LoggerOptions {
  /** Human-readable output (development on a terminal). */
  pretty?: boolean;
  /** Where the lines go instead of stdout (tests capture them). */
  destination?: DestinationStream;
}

export function createLogger(level: string, { pretty = false, destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers,
    ...(pretty && !destination && hasPretty()
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
          },
        }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
