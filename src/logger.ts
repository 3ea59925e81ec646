import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty && hasPretty()
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
          },
        }
      : {}),
  });
}
