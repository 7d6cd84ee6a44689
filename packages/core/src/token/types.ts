import type { TokenFailureCause } from './errors';

/** What a token is for. Kong caches tokens per all of these fields. */
export interface TokenTarget {
  /** The RDS endpoint name the client connects to (signed as `host:port`). */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database?: string;
  /** Overrides the region taken from `host` (needed for IPs and custom names). */
  readonly region?: string;
  /** Kong's pg_iam_auth_assume_role_arn. */
  readonly assumeRoleArn?: string;
  /** Kong's pg_iam_auth_role_session_name (default KongPostgres). */
  readonly roleSessionName?: string;
  /** Kong's pg_iam_auth_sts_endpoint_url. */
  readonly stsEndpointUrl?: string;
}

export interface TokenCounters {
  /** Tokens signed (cache misses that succeeded). */
  readonly signed: number;
  /** Tokens served from the cache, or joined to a signing already in flight. */
  readonly cacheHits: number;
  readonly failures: Readonly<Record<TokenFailureCause, number>>;
}

export interface TokenProvider {
  /** An RDS IAM auth token (the PostgreSQL password) for `target`. Rejects with a TokenError. */
  getToken(target: TokenTarget): Promise<string>;
  /** A snapshot of the live counts. */
  readonly counters: TokenCounters;
}
