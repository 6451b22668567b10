/**
 * Structured JSON logs (pino) with a request ID on every line, and redaction of
 * what must never be written down: tokens, passwords, keys, NIKs (CONVENTIONS.md §8).
 */
import { type Logger, pino } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secretId',
  '*.secretId',
  'privateKey',
  '*.privateKey',
  'kek',
  'nik',
  '*.nik',
  '*.*.nik',
];

export function createLogger(
  options: { level?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  return pino(
    {
      // The configured level comes in from Config.logLevel (api/config.ts).
      level: options.level ?? 'info',
      base: { service: 'saksi' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
