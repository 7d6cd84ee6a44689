// An RDS IAM token is a presigned URL: anyone holding it can log in for 15 minutes.
// Whatever text may reach a log or an error goes through here first.

const REDACTED = '[REDACTED]';

/** The whole token: `host:port/?Action=connect&DBUser=…&X-Amz-…`, up to the next blank or quote. */
const TOKEN_PATTERN = /[^\s"'`<>]*\?Action=connect&DBUser=[^\s"'`<>]*/g;
/** Loose SigV4 query parts, for tokens cut in pieces or re-encoded. */
const SIGV4_PARTS = /(X-Amz-(?:Signature|Security-Token|Credential)(?:=|%3D))[^&\s"'`<>]+/gi;
/** AWS secret access keys and session tokens that were named in text. */
const NAMED_SECRETS =
  /((?:secret_?access_?key|session_?token|aws_secret_access_key|aws_session_token|password)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi;

/**
 * Replaces tokens and secrets in `text`. `known` lists exact secrets to remove
 * too (a token just signed, a secret key), however they appear.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let result = text;
  for (const secret of known) {
    // Very short strings would redact ordinary words; real secrets are long.
    if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  return result
    .replace(TOKEN_PATTERN, REDACTED)
    .replace(SIGV4_PARTS, `$1${REDACTED}`)
    .replace(NAMED_SECRETS, `$1${REDACTED}`);
}

/**
 * Redacts an error in place (message, stack, PostgreSQL detail/hint) and
 * returns it, so its type and SQLSTATE survive for callers that classify it.
 */
export function redactError<E>(error: E, known: readonly string[] = []): E {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & { detail?: unknown; hint?: unknown; where?: unknown };
  fields.message = redactSecrets(fields.message, known);
  if (typeof fields.stack === 'string') fields.stack = redactSecrets(fields.stack, known);
  for (const key of ['detail', 'hint', 'where'] as const) {
    const value = fields[key];
    if (typeof value === 'string') fields[key] = redactSecrets(value, known);
  }
  if (fields.cause !== undefined && fields.cause !== error) redactError(fields.cause, known);
  return error;
}
