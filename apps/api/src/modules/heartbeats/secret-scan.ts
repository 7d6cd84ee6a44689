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

function hasProseValue(text: string): boolean {
  for (const match of text.matchAll(PASSWORD_PROSE)) {
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

/** `pg_password is hunter2`: prose, so only a value that looks like a password (a digit or symbol in it), or a quoted one. */
const PASSWORD_PROSE = new RegExp(
  `${secretKey('password|passwd|pwd|secret')}\\s(?:is|was|set to|equals)\\s+(?:["']([^"']+)["']|((?=[^\\s"',;&]*[0-9!@#$%^&*+/])[^\\s"',;&]{4,}))`,
  'gi',
);

/** `kong:hunter2@db.example.com`: credentials in front of a host, with or without a scheme. */
const USERINFO_BEFORE_HOST = /(?<![A-Za-z0-9._%+~-])[A-Za-z0-9._%+~-]+:[^\s/@:]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

/**
 * A bare AWS secret access key: exactly 40 base64 characters with upper and lower case and
 * a digit (so a 40-character hex sha1 or a plain word does not match).
 */
const BARE_AWS_SECRET_KEY =
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

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
  { looksLike: 'a user and password before a host', test: (text) => USERINFO_BEFORE_HOST.test(text) },
  {
    looksLike: 'an iamroll token',
    test: (text) => /(?<![A-Za-z0-9_])(?:iamagent|iamenroll|iam)_[A-Za-z0-9_-]{20,}/.test(text),
  },
  { looksLike: 'a bearer token', test: (text) => /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/i.test(text) },
  {
    looksLike: 'an AWS secret access key',
    test: (text) =>
      /secret(?:_?access)?(?:[ _]?key)?[^A-Za-z0-9/+]{1,5}[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i.test(text) ||
      BARE_AWS_SECRET_KEY.test(text),
  },
  {
    looksLike: 'a password or secret',
    test: (text) =>
      hasAssignedValue(PASSWORD_ASSIGNMENT, text) || hasAssignedValue(PASSWORD_LABEL, text) || hasProseValue(text),
  },
  { looksLike: 'a token', test: (text) => hasAssignedValue(TOKEN_ASSIGNMENT, text) },
];

/** Cheap first pass: most strings (hosts, versions, hashes) contain none of these and skip the rules. */
const MAYBE_SECRET =
  /AKIA|ASIA|X-Amz-|DBUser|PRIVATE KEY|:\/\/|@|iam(?:agent|enroll)?_|bearer|pass|pwd|secret|token|key|credential|[A-Za-z0-9/+]{40}/i;

/**
 * Characters that render as nothing, so a key split by them still reads (and works) once
 * copied: format characters (zero-width space and joiners, soft hyphen, bidi controls, BOM),
 * combining marks and variation selectors, Hangul fillers.
 */
const INVISIBLE = /[\p{Cf}\p{Mn}\u115F\u1160\u3164\uFFA0]/gu;

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid UTF-8 as a whole: decode the ASCII escapes only (`%3D` is `=`).
    return text.replace(/%([0-7][0-9A-Fa-f])/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/**
 * What a secret hidden by encoding would read as: fullwidth and other compatibility forms
 * folded (NFKC), invisible characters removed, percent-escapes decoded (twice, for
 * double encoding). Scanning this as well as the original catches `X-Amz-Signature%3D…`,
 * `ＡＫＩＡ…` and `AKIA\u200B…`.
 */
export function normalisedForScan(text: string): string {
  let normal = text.normalize('NFKC').replace(INVISIBLE, '');
  for (let round = 0; round < 2 && normal.includes('%'); round++) normal = percentDecoded(normal);
  return normal.normalize('NFKC').replace(INVISIBLE, '');
}

/**
 * Strings that passed the cheap first pass and then every rule: clean, and most come back on
 * every heartbeat (a node's config hash, hosts, a finding's message). Whether a string looks
 * like a secret depends on the string alone, so the verdict is kept; only clean strings are
 * kept (never one that looks like a secret), bounded by clearing when full.
 */
const cleanSuspects = new Set<string>();
const MAX_CLEAN_SUSPECTS = 50_000;
/** Longer strings are scanned every time (a few, in findings): the cache is for the repeated short ones. */
const MAX_CACHED_LENGTH = 512;

function ruleFor(text: string): string | undefined {
  // The lookup first: cheaper than the first pass on the long ones it holds (a 64-character hash).
  if (cleanSuspects.has(text) || !MAYBE_SECRET.test(text)) return undefined;
  const looksLike = RULES.find((rule) => rule.test(text))?.looksLike;
  if (looksLike === undefined && text.length <= MAX_CACHED_LENGTH) {
    if (cleanSuspects.size >= MAX_CLEAN_SUSPECTS) cleanSuspects.clear();
    cleanSuspects.add(text);
  }
  return looksLike;
}

/** Printable ASCII without `%` is its own normal form: most heartbeat strings, on the hot path. */
const ALREADY_NORMAL = /^[\x20-\x24\x26-\x7e]*$/;

export function secretIn(text: string): string | undefined {
  if (ALREADY_NORMAL.test(text)) return ruleFor(text);
  const normal = normalisedForScan(text);
  return ruleFor(text) ?? (normal === text ? undefined : ruleFor(normal));
}

/** Where a hit is, as `body.findings.2.message`: the path is built only for a hit, not for every string. */
function hitIn(value: unknown, segments: (string | number)[]): string | undefined {
  if (typeof value === 'string') return secretIn(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      segments.push(index);
      const looksLike = hitIn(value[index], segments);
      if (looksLike) return looksLike;
      segments.pop();
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      segments.push(key);
      const looksLike = hitIn((value as Record<string, unknown>)[key], segments);
      if (looksLike) return looksLike;
      segments.pop();
    }
  }
  return undefined;
}

/**
 * The first string anywhere in `value` that looks like a secret. `skip` names top-level keys
 * not to scan: one whose value the caller knows passed this scan before, deep-equal (a node's
 * config, sent again unchanged on nearly every heartbeat: a verdict depends on the string
 * alone), or one whose validated schema admits no free text (a timestamp, an enum, numbers).
 */
export function findSecret(value: unknown, path = 'body', skip?: ReadonlySet<string>): SecretHit | undefined {
  const segments: (string | number)[] = [path];
  let looksLike: string | undefined;
  if (skip !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key in value) {
      if (skip.has(key) || !Object.hasOwn(value, key)) continue;
      segments.push(key);
      looksLike = hitIn((value as Record<string, unknown>)[key], segments);
      if (looksLike) break;
      segments.pop();
    }
  } else looksLike = hitIn(value, segments);
  return looksLike ? { path: segments.join('.'), looksLike } : undefined;
}
