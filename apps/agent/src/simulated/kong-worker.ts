import type { KindCounters } from '@iamroll/contracts';
import type { ConnectionSettings } from '@iamroll/core/config';
import { createIamPool, type IamPool, type IamPoolCounters } from '@iamroll/core/pool';
import { createFixedTokenProvider, createIamTokenProvider, type AwsCredentialIdentity } from '@iamroll/core/token';

/** Where a simulated node really dials for an endpoint name in its kong.conf (the simulator on loopback). */
export interface SimEndpoint {
  readonly connectHost: string;
  readonly caPem: string;
}

export interface WorkerKindConfig {
  readonly settings: ConnectionSettings;
  /** Used only when the connection is not on IAM; stays in this process. */
  readonly password: string | null;
  readonly poolSize: number;
  readonly keepaliveTimeoutMs: number;
}

/** Counters of one kind, summed over every pool it has had (pools are replaced at each restart). */
export class KindTotals {
  attempts = 0;
  established = 0;
  throttled = 0;
  invalidToken = 0;
  notAuthorized = 0;
  other = 0;

  add(c: IamPoolCounters): void {
    this.attempts += c.attempts;
    this.established += c.established;
    this.throttled += c.failures.throttled;
    this.invalidToken += c.failures.invalid_token;
    this.notAuthorized += c.failures.not_authorized;
    this.other += c.failures.tls + c.failures.network + c.failures.other;
  }

  toContract(): KindCounters {
    return {
      attempts: this.attempts,
      established: this.established,
      authFailures: {
        invalidToken: this.invalidToken,
        notAuthorized: this.notAuthorized,
        throttled: this.throttled,
        other: this.other,
      },
    };
  }
}

/**
 * One nginx worker's pool for one connection kind, as Kong keeps it: at most pg_pool_size
 * idle connections, each closed after pg_keepalive_timeout idle; a new connection logs in
 * (with a token from the worker's own cache when on IAM, as Kong caches per worker), never
 * a reused one. No budget gate and no login retry: Kong has neither, a failed login fails
 * the request that needed it.
 */
export function createWorkerPool(
  config: WorkerKindConfig,
  endpoint: SimEndpoint,
  credentials: AwsCredentialIdentity,
  applicationName: string,
): IamPool {
  const { settings } = config;
  const host = settings.host ?? '127.0.0.1';
  const tokenProvider = settings.iam
    ? createIamTokenProvider({ credentials })
    : // A password login through the same pool: the "token" is the password (pg sends it when asked).
      createFixedTokenProvider(config.password ?? '');
  const pool = createIamPool({
    host,
    connectHost: endpoint.connectHost,
    port: settings.port ?? 5432,
    user: settings.user ?? 'kong',
    database: settings.database ?? 'kong',
    tokenProvider,
    ...(settings.region ? { iam: { region: settings.region } } : {}),
    tls: { ca: endpoint.caPem },
    gate: null,
    retry: { maxRetries: 0 },
    connectTimeoutMs: 10_000,
    pg: {
      max: Math.max(1, config.poolSize),
      idleTimeoutMillis: config.keepaliveTimeoutMs,
      application_name: applicationName,
    },
  });
  pool.on('error', () => undefined); // an idle connection dropped by the server: the next query reconnects
  return pool;
}
