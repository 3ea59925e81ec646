import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from '../../src/logger.js';

export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, parsed. */
  entries(): { level: number; msg: string; [key: string]: unknown }[];
  /** Everything written so far, as the raw log text. */
  text(): string;
}

/** A logger configured as the app's (same redaction) that keeps its lines in memory. */
export function captureLog(level = 'debug'): CapturedLog {
  const lines: string[] = [];
  const logger = pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    { write: (line: string) => void lines.push(line) },
  );
  return {
    logger,
    entries: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string }),
    text: () => lines.join(''),
  };
}
