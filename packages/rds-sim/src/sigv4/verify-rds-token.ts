import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { encodeRfc3986, parseToken } from './parse-token';

export interface SimCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary (STS) credentials: the token must carry exactly this X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export interface TokenExpectations {
  /** The user of the PostgreSQL startup message; the token's DBUser must match. */
  readonly dbUser: string;
  /** The instance endpoint the token must be signed for (`host:port`). */
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly region: string;
  readonly nowMs: number;
  readonly findCredential: (accessKeyId: string) => SimCredential | undefined;
}

/** Failure kinds are CloudWatch metric suffixes (IamDbAuthConnectionFailure<kind>). */
export type TokenFailureKind = 'InvalidToken' | 'InsufficientPermissions';

export type TokenVerdict =
  | { readonly isValid: true; readonly accessKeyId: string }
  | { readonly isValid: false; readonly kind: TokenFailureKind; readonly reason: string };

const SERVICE = 'rds-db';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** RDS tokens live 15 minutes; the SDKs always sign X-Amz-Expires=900. */
const MAX_EXPIRES_SECONDS = 900;
/** How far in the future a signing date may be: SigV4's usual tolerance for clock skew. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** A presigned GET has no body: the canonical request carries the SHA-256 of "". */
const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Verifies an RDS IAM token the way the database side must: recompute the
 * SigV4 signature from the configured secret, and check that the token was
 * made for this user, this endpoint, this region, and is still fresh.
 * The reason strings never contain the token or the signature.
 */
export function verifyRdsToken(token: string, expect: TokenExpectations): TokenVerdict {
  const invalid = (reason: string): TokenVerdict => ({ isValid: false, kind: 'InvalidToken', reason });
  const parsed = parseToken(token);
  if ('problem' in parsed) return invalid(parsed.problem);
  const { hostPort, params } = parsed.token;
  const param = (name: string): string | undefined => params.get(name);

  if (param('X-Amz-Algorithm') !== ALGORITHM) return invalid(`X-Amz-Algorithm must be ${ALGORITHM}`);
  // Only `host` can be signed: a PostgreSQL login has no HTTP headers to check others against.
  if (param('X-Amz-SignedHeaders') !== 'host') return invalid('X-Amz-SignedHeaders must be exactly "host"');
  if (param('Action') !== 'connect') return invalid('Action must be connect');
  if (param('DBUser') !== expect.dbUser)
    return invalid(`DBUser ${quote(param('DBUser'))} is not the login user "${expect.dbUser}"`);

  const expectedHostPort = `${expect.endpointHost}:${expect.endpointPort}`;
  if (hostPort.toLowerCase() !== expectedHostPort.toLowerCase()) {
    return invalid(`signed for ${hostPort}, not for this instance's endpoint ${expectedHostPort}`);
  }

  const amzDate = param('X-Amz-Date') ?? '';
  const signedAtMs = parseAmzDate(amzDate);
  if (signedAtMs === undefined) return invalid('X-Amz-Date is missing or not yyyymmddThhmmssZ');

  const scope = (param('X-Amz-Credential') ?? '').split('/');
  if (scope.length !== 5) return invalid('X-Amz-Credential is not accessKey/date/region/service/aws4_request');
  const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator] = scope;
  if (scopeService !== SERVICE || terminator !== 'aws4_request')
    return invalid(`credential scope is not for ${SERVICE}`);
  if (scopeRegion !== expect.region)
    return invalid(`signed for region ${quote(scopeRegion)}, the instance is in ${expect.region}`);
  if (scopeDate !== amzDate.slice(0, 8)) return invalid('credential scope date differs from X-Amz-Date');

  const expiresText = param('X-Amz-Expires') ?? '';
  const expiresSeconds = /^\d{1,6}$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_EXPIRES_SECONDS)) {
    return invalid(`X-Amz-Expires must be 1..${MAX_EXPIRES_SECONDS} seconds`);
  }

  const credential = expect.findCredential(accessKeyId);
  // IAM policy evaluation is reduced to "is this a known access key" (see README).
  if (!credential)
    return {
      isValid: false,
      kind: 'InsufficientPermissions',
      reason: `access key ${accessKeyId} is not allowed to rds-db:connect`,
    };
  if (!sameSecret(param('X-Amz-Security-Token'), credential.sessionToken)) {
    return invalid(
      credential.sessionToken
        ? 'session token missing or wrong for these temporary credentials'
        : 'session token given for long-term credentials',
    );
  }

  const signature = param('X-Amz-Signature') ?? '';
  const expected = computeSignature(hostPort, params, credential.secretAccessKey, amzDate, scopeRegion);
  if (!/^[0-9a-f]{64}$/.test(signature) || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    return invalid('signature does not match');
  }

  if (signedAtMs - expect.nowMs > MAX_FUTURE_SKEW_MS) return invalid(`signed in the future (${amzDate})`);
  const expiresAtMs = signedAtMs + expiresSeconds * 1000;
  if (expect.nowMs > expiresAtMs) return invalid(`expired at ${new Date(expiresAtMs).toISOString()}`);

  return { isValid: true, accessKeyId };
}

/** SigV4 for a presigned GET of `/` with only the `host` header signed. */
export function computeSignature(
  hostPort: string,
  params: ReadonlyMap<string, string>,
  secretAccessKey: string,
  amzDate: string,
  region: string,
): string {
  const canonicalQuery = [...params]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${hostPort.trim()}\n`, 'host', EMPTY_PAYLOAD_SHA256].join(
    '\n',
  );
  const shortDate = amzDate.slice(0, 8);
  const scope = `${shortDate}/${region}/${SERVICE}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, shortDate);
  for (const part of [region, SERVICE, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const [, y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = m.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || expected === undefined) return given === expected;
  // Compare digests so the comparison time does not depend on where the strings differ.
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const quote = (text: string | undefined): string => (text === undefined ? '(missing)' : `"${text}"`);
