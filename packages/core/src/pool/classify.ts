// How a failed new connection looks to a PostgreSQL client, sorted into what the
// pool should do about it. RDS answers every IAM refusal with
// `FATAL: PAM authentication failed for user "x"` (SQLSTATE 28P01): bad, expired
// and throttled tokens alike. Only the text says "too many competing requests".

export type ConnectFailureCause = 'throttled' | 'invalid_token' | 'not_authorized' | 'tls' | 'network' | 'other';

export const CONNECT_FAILURE_CAUSES: readonly ConnectFailureCause[] = [
  'throttled',
  'invalid_token',
  'not_authorized',
  'tls',
  'network',
  'other',
];

const INVALID_PASSWORD = '28P01';
const INVALID_AUTHORIZATION = '28000';
const INSUFFICIENT_PRIVILEGE = '42501';
const THROTTLED_TEXT = /too many competing requests|throttl/i;
const NOT_AUTHORIZED_TEXT = /not authori[sz]ed|insufficient permission|access denied|accessdenied/i;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);
const NETWORK_TEXT = /connection terminated|timeout expired|timeout exceeded when trying to connect|socket hang up/i;
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT_LOCALLY)|HOSTNAME_MISMATCH$|ERR_OSSL_)/;
const TLS_TEXT = /does not support SSL|certificate|SSL routines|TLS/i;

interface ErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
  readonly cause?: unknown;
}

function fieldsOf(error: unknown): ErrorFields {
  return typeof error === 'object' && error !== null ? error : { message: String(error) };
}

function text(fields: ErrorFields): string {
  return `${typeof fields.message === 'string' ? fields.message : ''}\n${typeof fields.detail === 'string' ? fields.detail : ''}`;
}

function classifyOne(fields: ErrorFields): ConnectFailureCause | undefined {
  const code = typeof fields.code === 'string' ? fields.code : '';
  const message = text(fields);
  if (code === INVALID_PASSWORD) {
    if (THROTTLED_TEXT.test(message)) return 'throttled';
    if (NOT_AUTHORIZED_TEXT.test(message)) return 'not_authorized';
    return 'invalid_token';
  }
  if (code === INVALID_AUTHORIZATION || code === INSUFFICIENT_PRIVILEGE) return 'not_authorized';
  if (TLS_CODES.test(code)) return 'tls';
  if (NETWORK_CODES.has(code)) return 'network';
  if (/does not support SSL/i.test(message)) return 'tls';
  if (NETWORK_TEXT.test(message)) return undefined; // look at the cause first: a timeout may wrap a TLS error
  if (code === '' && TLS_TEXT.test(message) && /alert|handshake|certificate|SSL routines/i.test(message)) return 'tls';
  return undefined;
}

/**
 * The cause of a failed new connection, from the SQLSTATE, the Node error code
 * and the text, walking `cause` chains (pg-pool wraps timeouts).
 */
export function classifyConnectFailure(error: unknown): ConnectFailureCause {
  let current: unknown = error;
  let sawNetworkText = false;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    const fields = fieldsOf(current);
    const cause = classifyOne(fields);
    if (cause) return cause;
    if (NETWORK_TEXT.test(text(fields))) sawNetworkText = true;
    current = fields.cause;
  }
  return sawNetworkText ? 'network' : 'other';
}

/**
 * Only throttling is worth retrying automatically: a bad or unauthorized token
 * fails the same way again, and every retry spends the instance's IAM budget.
 */
export function isRetryableConnectFailure(cause: ConnectFailureCause): boolean {
  return cause === 'throttled';
}
