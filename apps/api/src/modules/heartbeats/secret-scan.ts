// Agents must never send secrets: the controller stores what heartbeats say and shows it
// to every viewer. A string that looks like a password, token or AWS key fails the whole
// heartbeat (400 naming the field), before anything is stored or logged.

export interface SecretHit {
  /** Where, as validation errors name fields: `body.findings.2.message`. */
  readonly path: string;
  /** What it looks like, for the message (never the value). */
  readonly looksLike: string;
}

interface Rule {
  readonly looksLike: string;
  readonly test: (text: string) => boolean;
}

/** Values that stand for a secret without being one: `<password>`, `***`, `${KONG_PG_PASSWORD}`, `(redacted)`. */
const PLACEHOLDER =
  /^(?:<[^>]*>|\*+|…+|\.{3,}|x{3,}|\(?\[?redacted\]?\)?|null|none|unset|empty|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/i;

function hasAssignedValue(pattern: RegExp, text: string): boolean {
  if (!text.includes('=') && !text.includes(':')) return false;
  for (const match of text.matchAll(pattern)) {
    const value = match[1] ?? match[2];
    if (value && !PLACEHOLDER.test(value)) return true;
  }
  return false;
}

const secretKey = (names: string) => String.raw`(?:^|[^A-Za-z0-9])(?:[A-Za-z0-9]+_)*(?:${names})["']?\s*`;
/** `pg_password = hunter2`, `PWD=…` (ODBC): any value but a placeholder. */
const PASSWORD_ASSIGNMENT = new RegExp(
  `${secretKey('password|passwd|pwd|secret|secret_access_key|session_token|private_key')}=\\s*["']?([^\\s"',;&]+)`,
  'gi',
);
/** `password: "s3cr3t!"` or `password: s3cr3t9`, but not prose such as `pg_password: with IAM on, …`. */
const PASSWORD_LABEL = new RegExp(
  `${secretKey('password|passwd|secret|secret_access_key|session_token')}:\\s*(?:["']([^"']+)["']|((?=[^\\s"',;&]*[0-9!@#$%^&*+/])[^\\s"',;&]{6,}))`,
  'gi',
);
const TOKEN_ASSIGNMENT =
  /(?:^|[^A-Za-z0-9])(?:[A-Za-z0-9]+_)*(?:token|api_?key|access_key|credential)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=_.~-]{16,})/gi;

const RULES: readonly Rule[] = [
  {
    looksLike: 'an AWS access key id',
    test: (text) => /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/.test(text),
  },
  {
    looksLike: 'a signed RDS IAM token or presigned URL',
    test: (text) => /X-Amz-(?:Signature|Security-Token|Credential)=|[?&]Action=connect&DBUser=/i.test(text),
  },
  { looksLike: 'a private key', test: (text) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) },
  { looksLike: 'a URL with a password', test: (text) => /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i.test(text) },
  {
    looksLike: 'an iamroll token',
    test: (text) => /(?<![A-Za-z0-9_])(?:iamagent|iamenroll|iam)_[A-Za-z0-9_-]{20,}/.test(text),
  },
  { looksLike: 'a bearer token', test: (text) => /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/i.test(text) },
  {
    looksLike: 'an AWS secret access key',
    test: (text) =>
      /secret(?:_?access)?(?:[ _]?key)?[^A-Za-z0-9/+]{1,5}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i.test(text),
  },
  {
    looksLike: 'a password or secret',
    test: (text) => hasAssignedValue(PASSWORD_ASSIGNMENT, text) || hasAssignedValue(PASSWORD_LABEL, text),
  },
  { looksLike: 'a token', test: (text) => hasAssignedValue(TOKEN_ASSIGNMENT, text) },
];

/** Cheap first pass: most strings (hosts, versions, hashes) contain none of these and skip the rules. */
const MAYBE_SECRET =
  /AKIA|ASIA|X-Amz-|DBUser|PRIVATE KEY|:\/\/|iam(?:agent|enroll)?_|bearer|pass|pwd|secret|token|key|credential/i;

export function secretIn(text: string): string | undefined {
  if (!MAYBE_SECRET.test(text)) return undefined;
  return RULES.find((rule) => rule.test(text))?.looksLike;
}

/** The first string anywhere in `value` that looks like a secret. */
export function findSecret(value: unknown, path = 'body'): SecretHit | undefined {
  if (typeof value === 'string') {
    const looksLike = secretIn(value);
    return looksLike ? { path, looksLike } : undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const hit = findSecret(value[index], `${path}.${index}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const hit = findSecret(child, `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}
