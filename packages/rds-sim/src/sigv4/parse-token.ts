/**
 * An RDS IAM token is a SigV4 presigned URL without its scheme:
 * `host:port/?Action=connect&DBUser=…&X-Amz-Algorithm=…&X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=900[&X-Amz-Security-Token=…]&X-Amz-Signature=…&X-Amz-SignedHeaders=host`
 * This module only splits it; verify-rds-token.ts judges it.
 */
export interface ParsedToken {
  /** `host:port` exactly as signed (the canonical `host` header). */
  readonly hostPort: string;
  /** Decoded query parameters, in the order they appeared. */
  readonly params: ReadonlyMap<string, string>;
}

export type ParseResult = { readonly token: ParsedToken } | { readonly problem: string };

export function parseToken(token: string): ParseResult {
  const slash = token.indexOf('/');
  if (slash <= 0) return { problem: 'malformed token: no host:port/ prefix' };
  const hostPort = token.slice(0, slash);
  const rest = token.slice(slash);
  if (!rest.startsWith('/?')) return { problem: 'malformed token: path must be "/" followed by a query' };

  const params = new Map<string, string>();
  for (const piece of rest.slice(2).split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const rawKey = equals < 0 ? piece : piece.slice(0, equals);
    const rawValue = equals < 0 ? '' : piece.slice(equals + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    if (key === undefined || value === undefined)
      return { problem: 'malformed token: bad percent-encoding in the query' };
    // SigV4 would sign both copies; RDS tokens never repeat a parameter, so a repeat is tampering.
    if (params.has(key)) return { problem: `malformed token: query parameter ${key} appears twice` };
    params.set(key, value);
  }
  return { token: { hostPort, params } };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** SigV4's URI encoding: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
