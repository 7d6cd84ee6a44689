import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';

/** Secrets that might end up in a log line: headers, and any field with these names one or two levels down. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...[
    'password',
    'newPassword',
    'currentPassword',
    'passwordHash',
    'token',
    'tokenHash',
    'credential',
    'csrfToken',
    'databaseUrl',
    'connectionString',
  ].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Write here instead of stdout (IAMROLL_LOG_FILE, or a test's sink). */
  readonly file?: string | undefined;
  readonly stream?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.stream ??
    (options.file ? pino.destination({ dest: options.file, mkdir: true, sync: false }) : pino.destination(1));
  return pino(
    { level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'iamroll-api' } },
    destination,
  );
}
