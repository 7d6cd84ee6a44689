import { randomBytes, randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import type { PasswordUser, UpstreamAdmin } from './upstream/prepare-upstream';
import type { SimCredential } from './sigv4/verify-rds-token';

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface RdsSimOptions {
  /** An existing PostgreSQL (superuser) to sit in front of; default: start an embedded one. */
  readonly upstream?: UpstreamAdmin;
  /** Embedded PostgreSQL data directory (kept across runs); default: a temporary one, deleted on close. */
  readonly dataDir?: string;
  /** Listen address. Default 127.0.0.1. */
  readonly host?: string;
  /** Listen port; 0 (default) picks a free one. */
  readonly port?: number;
  /** The instance endpoint name tokens must be signed for. Default `sim-<n>.abcdefghijkl.<region>.rds.amazonaws.com`. */
  readonly endpointHost?: string;
  /** The port tokens must be signed for. Default: the real listening port. */
  readonly endpointPort?: number;
  /** Default us-east-1. */
  readonly region?: string;
  /** The instance's IAM authentication budget. Default 200/s, one second of burst. */
  readonly authRatePerSecond?: number;
  /** Access keys allowed to rds-db:connect. Default: one generated long-term pair. */
  readonly credentials?: readonly SimCredential[];
  /** Members of rds_iam (login only with a token). Default ['kong_iam']. */
  readonly iamUsers?: readonly string[];
  /**
   * Password logins, relayed to upstream's own authentication (a bare name gets a generated
   * password). Default: `kong` with a generated password. `[]` for none.
   */
  readonly passwordUsers?: ReadonlyArray<string | PasswordUser>;
  /** Default 'kong'. */
  readonly database?: string;
  /** Highest TLS version offered. Default TLSv1.2 (RDS guidance followed by Kong). */
  readonly maxTlsVersion?: TlsVersion;
  /** Where to write the CA certificate. Default: a temporary file, deleted on close. */
  readonly caFile?: string;
  /** Port of the loopback `GET /metrics` endpoint; 0 (default) picks a free one. */
  readonly metricsPort?: number;
  /** Epoch milliseconds, for token dates, the budget and the per-second counters. Default Date.now. */
  readonly clock?: () => number;
  /**
   * `relay` (default): every session is relayed to upstream PostgreSQL, one backend each.
   * `answer`: after the login the simulator answers the session itself (every query gets one
   * row `1`), so thousands of connections fit; rds_iam membership, LOGIN and CONNECT are still
   * asked of upstream. See the README for what answer mode does not model.
   */
  readonly sessionMode?: 'relay' | 'answer';
  /**
   * Answer mode only: sessions whose application_name is listed are relayed to upstream all the
   * same (one real backend each), so a few diagnostic sessions get real answers. Default
   * `['iamroll-preflight']` (preflight asks the database about rds_iam and Kong's rights).
   */
  readonly relayedApplications?: readonly string[];
  /** DescribeDBInstances' IAMDatabaseAuthenticationEnabled; changeable at runtime. Default true. */
  readonly iamDatabaseAuthenticationEnabled?: boolean;
  /** Receives the simulator's own log lines (IAM failures with their reason; never tokens). */
  readonly onLog?: (line: string) => void;
}

/** Answer mode relays these sessions all the same: `iamroll preflight` and the agent's preflight. */
export const DEFAULT_RELAYED_APPLICATIONS: readonly string[] = ['iamroll-preflight'];

let instancesStarted = 0;

export interface ResolvedOptions extends Required<
  Omit<RdsSimOptions, 'upstream' | 'dataDir' | 'endpointPort' | 'caFile' | 'onLog' | 'passwordUsers'>
> {
  readonly passwordUsers: readonly PasswordUser[];
  readonly upstream: UpstreamAdmin | undefined;
  readonly dataDir: string | undefined;
  readonly endpointPort: number | undefined;
  readonly caFile: string | undefined;
  readonly onLog: (line: string) => void;
}

/** Defaults and validation, all problems reported at once. */
export function resolveOptions(options: RdsSimOptions): ResolvedOptions {
  instancesStarted += 1;
  const region = options.region ?? 'us-east-1';
  const resolved: ResolvedOptions = {
    upstream: options.upstream,
    dataDir: options.dataDir,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    endpointHost: options.endpointHost ?? `sim-${instancesStarted}.abcdefghijkl.${region}.rds.amazonaws.com`,
    endpointPort: options.endpointPort,
    region,
    authRatePerSecond: options.authRatePerSecond ?? 200,
    credentials: options.credentials ?? [generateCredential()],
    iamUsers: options.iamUsers ?? ['kong_iam'],
    passwordUsers: (options.passwordUsers ?? ['kong']).map((p) =>
      typeof p === 'string' ? { user: p, password: randomBytes(12).toString('base64url') } : p,
    ),
    database: options.database ?? 'kong',
    maxTlsVersion: options.maxTlsVersion ?? 'TLSv1.2',
    caFile: options.caFile,
    metricsPort: options.metricsPort ?? 0,
    clock: options.clock ?? Date.now,
    sessionMode: options.sessionMode ?? 'relay',
    relayedApplications: options.relayedApplications ?? DEFAULT_RELAYED_APPLICATIONS,
    onLog: options.onLog ?? (() => {}),
    iamDatabaseAuthenticationEnabled: options.iamDatabaseAuthenticationEnabled ?? true,
  };
  const problems = validate(resolved);
  if (problems.length > 0) throw new Error(`rds-sim: invalid options:\n  - ${problems.join('\n  - ')}`);
  return resolved;
}

function validate(o: ResolvedOptions): string[] {
  const problems: string[] = [];
  const isPort = (port: number | undefined): boolean =>
    port === undefined || (Number.isInteger(port) && port >= 0 && port <= 65_535);
  if (!isPort(o.port) || !isPort(o.metricsPort)) problems.push('port and metricsPort must be integers 0..65535');
  if (o.endpointPort !== undefined && !(isPort(o.endpointPort) && o.endpointPort > 0))
    problems.push('endpointPort must be 1..65535');
  if (!(Number.isFinite(o.authRatePerSecond) && o.authRatePerSecond >= 0))
    problems.push('authRatePerSecond must be a number ≥ 0');
  if (o.iamUsers.length === 0) problems.push('iamUsers needs at least one user');
  if (o.credentials.length === 0) problems.push('credentials needs at least one access key');
  const passwordNames = new Set(o.passwordUsers.map((p) => p.user));
  const overlap = o.iamUsers.filter((user) => passwordNames.has(user));
  if (overlap.length > 0) problems.push(`users cannot be both IAM and password users: ${overlap.join(', ')}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(o.region))
    problems.push(`region "${o.region}" does not look like an AWS region (us-east-1)`);
  if (isIP(o.endpointHost))
    problems.push('endpointHost must be a DNS name: RDS tokens cannot be signed for an IP address');
  return problems;
}

/** A long-term access key pair in AWS's shapes (AKIA + 16, 40-character secret); simulator-only. */
export function generateCredential(): SimCredential {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const keyId = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
  return { accessKeyId: `AKIA${keyId}`, secretAccessKey: randomBytes(30).toString('base64') };
}
