import { redactSecrets } from '@iamroll/core/token';

export type SourceErrorKind = 'throttled' | 'denied' | 'unreachable' | 'error';

export interface ClassifiedError {
  readonly kind: SourceErrorKind;
  /** For the API and logs: the service's code and message, secrets redacted, bounded. */
  readonly message: string;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function networkCode(error: ErrorLike | undefined, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return error.code;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return String(error.name);
  return networkCode(error.cause as ErrorLike | undefined, depth + 1);
}

/**
 * Sorts an AWS SDK (or fetch) failure into what the operator must do: wait (throttled),
 * fix permissions or credentials (denied), fix the network or endpoint (unreachable).
 */
/** Access key ids are not secret, but name an identity: kept out of messages too. */
const ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const clean = (text: string) => redactSecrets(text).replace(ACCESS_KEY_ID, '[REDACTED]').slice(0, 500);

export function classifySourceError(error: unknown): ClassifiedError {
  const e = (error && typeof error === 'object' ? error : {}) as ErrorLike;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const message = clean(`${name}: ${rawMessage}`);
  if (THROTTLING.has(name) || status === 429) return { kind: 'throttled', message };
  if (DENIED.has(name) || status === 403 || status === 401) return { kind: 'denied', message };
  const code = networkCode(e);
  if (code !== undefined) return { kind: 'unreachable', message: clean(`${code}: ${rawMessage}`) };
  return { kind: 'error', message };
}

/** Sources report failures as values; the part runner throws them. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
