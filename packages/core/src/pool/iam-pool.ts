import pg from 'pg';
import { createIamTokenProvider, redactError, type TokenProvider, type TokenTarget } from '../token/index';
import { DEFAULT_BACKOFF, backoffDelayMs, type BackoffPolicy } from './backoff';
import { createTokenBucketGate, RDS_IAM_AUTH_BUDGET_PER_SECOND, type BudgetGate } from './budget-gate';
import {
  CONNECT_FAILURE_CAUSES,
  classifyConnectFailure,
  isRetryableConnectFailure,
  type ConnectFailureCause,
} from './classify';
import { SlidingRate } from './sliding-rate';
import { buildSslOptions, type IamTlsOptions } from './tls';
import { keepConnectionAfterStatementErrors } from './keep-after-error';

/** pg-pool settings that stay the caller's (connection and auth settings are the pool's). */
export type IamPoolPgOptions = Omit<
  pg.PoolConfig,
  | 'host'
  | 'port'
  | 'user'
  | 'database'
  | 'password'
  | 'ssl'
  | 'connectionString'
  | 'Client'
  | 'connectionTimeoutMillis'
  | 'stream'
>;

export interface IamPoolOptions {
  /** The RDS endpoint name: signed into tokens, checked against the certificate, and the TCP host unless `connectHost`. */
  readonly host: string;
  /** Open TCP here instead (a tunnel, the simulator's 127.0.0.1); tokens and TLS still name `host`. */
  readonly connectHost?: string;
  readonly port?: number;
  readonly user: string;
  readonly database?: string;
  /** Default: `createIamTokenProvider()` (AWS default credential chain). */
  readonly tokenProvider?: TokenProvider;
  /** Token settings beyond host/port/user/database: region override, assume-role (Kong's pg_iam_auth_*). */
  readonly iam?: Pick<TokenTarget, 'region' | 'assumeRoleArn' | 'roleSessionName' | 'stsEndpointUrl'>;
  readonly tls?: IamTlsOptions;
  /**
   * Every new physical connection passes it before signing and connecting.
   * Default: a local token bucket at 200/s. Share one gate among the pools of a
   * process; `null` turns pacing off (comparisons only).
   */
  readonly gate?: BudgetGate | null;
  /** Deadline of `connect()` / `query()`'s connect: gate wait, retries and backoff included. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** Throttled connections are retried with jittered exponential backoff within the deadline. */
  readonly retry?: Partial<BackoffPolicy> & { readonly maxRetries?: number };
  readonly pg?: IamPoolPgOptions;
  /** For tests: the jitter source and the clock (epoch ms). */
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface IamPoolCounters {
  /** New physical connections started (after the gate). */
  readonly attempts: number;
  /** New physical connections authenticated. */
  readonly established: number;
  /** Failed new connections, by cause. */
  readonly failures: Readonly<Record<ConnectFailureCause, number>>;
  /** Same as failures.throttled: RDS refused for the rate budget. */
  readonly throttled: number;
  readonly retries: number;
  /** Gate acquisitions that had to wait (≥ 1 ms), and their total wait. */
  readonly gateWaits: number;
  readonly gateWaitMs: number;
  /** Gate waits that reached the connect deadline. */
  readonly gateTimeouts: number;
  /** Connections kept through a statement error that pg-pool would have destroyed (each one an IAM login saved). */
  readonly keptAfterStatementError: number;
  /** New connection attempts per second over the last 1 s and 10 s. */
  readonly attemptsPerSecond: { readonly last1s: number; readonly last10s: number };
}

/** Lifecycle events beyond pg-pool's connect / acquire / release / remove / error. */
export interface IamPoolEventMap {
  gateWait: [waitedMs: number];
  attempt: [];
  connectFailure: [failure: { readonly cause: ConnectFailureCause; readonly error: Error }];
  throttled: [error: Error];
  retry: [info: { readonly retry: number; readonly delayMs: number; readonly cause: ConnectFailureCause }];
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 8;
/** A gate answer faster than this counts as no wait. */
const GATE_WAIT_THRESHOLD_MS = 1;

type PgPoolEvent = 'error' | 'release' | 'connect' | 'acquire' | 'remove';
type PgPoolListener<K extends PgPoolEvent> = K extends 'error' | 'release'
  ? (err: Error, client: pg.PoolClient) => void
  : (client: pg.PoolClient) => void;
type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: boolean | Error) => void,
) => void;

/** What the pool and its clients share: counters, gate, and where events go. */
interface Shared {
  readonly gate: BudgetGate | null;
  readonly connectTimeoutMs: number;
  readonly now: () => number;
  readonly rate: SlidingRate;
  readonly counts: {
    attempts: number;
    established: number;
    retries: number;
    gateWaits: number;
    gateWaitMs: number;
    gateTimeouts: number;
    keptAfterStatementError: number;
    failures: Record<ConnectFailureCause, number>;
  };
  emit: <K extends keyof IamPoolEventMap>(event: K, ...args: IamPoolEventMap[K]) => void;
}

/**
 * A `pg.Pool` whose new connections authenticate with RDS IAM tokens over
 * verified TLS, paced by a budget gate, retrying throttled logins with backoff.
 * Connections reused from the pool never re-authenticate, as in Kong.
 */
export class IamPool extends pg.Pool {
  readonly #shared: Shared;
  readonly #retry: BackoffPolicy & { readonly maxRetries: number };
  readonly #random: () => number;

  constructor(options: IamPoolOptions) {
    const now = options.now ?? Date.now;
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const shared: Shared = {
      gate:
        options.gate === undefined
          ? createTokenBucketGate({ ratePerSecond: RDS_IAM_AUTH_BUDGET_PER_SECOND })
          : options.gate,
      connectTimeoutMs,
      now,
      rate: new SlidingRate(now),
      counts: {
        attempts: 0,
        established: 0,
        retries: 0,
        gateWaits: 0,
        gateWaitMs: 0,
        gateTimeouts: 0,
        keptAfterStatementError: 0,
        failures: Object.fromEntries(CONNECT_FAILURE_CAUSES.map((c) => [c, 0])) as Record<ConnectFailureCause, number>,
      },
      emit: () => undefined,
    };
    const port = options.port ?? 5432;
    const tokenProvider = options.tokenProvider ?? createIamTokenProvider();
    const target: TokenTarget = {
      host: options.host,
      port,
      user: options.user,
      database: options.database,
      ...options.iam,
    };
    super({
      ...options.pg,
      host: options.connectHost ?? options.host,
      port,
      user: options.user,
      database: options.database,
      // Called by pg once per new physical connection, when the server asks for it.
      password: () => tokenProvider.getToken(target),
      ssl: buildSslOptions(options.host, options.tls),
      connectionTimeoutMillis: connectTimeoutMs,
      Client: gatedClientClass(shared),
    });
    shared.emit = (event, ...args) => {
      this.emit(event, ...args);
    };
    this.#shared = shared;
    this.#retry = { ...DEFAULT_BACKOFF, maxRetries: DEFAULT_MAX_RETRIES, ...options.retry };
    this.#random = options.random ?? Math.random;
  }

  /** A snapshot of the live counts. */
  get iamCounters(): IamPoolCounters {
    const { counts, rate } = this.#shared;
    return {
      attempts: counts.attempts,
      established: counts.established,
      failures: { ...counts.failures },
      throttled: counts.failures.throttled,
      retries: counts.retries,
      gateWaits: counts.gateWaits,
      gateWaitMs: counts.gateWaitMs,
      gateTimeouts: counts.gateTimeouts,
      keptAfterStatementError: counts.keptAfterStatementError,
      attemptsPerSecond: { last1s: rate.perSecond(1000), last10s: rate.perSecond(10_000) },
    };
  }

  readonly #countKept = (): void => {
    this.#shared.counts.keptAfterStatementError += 1;
  };

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.#connectWithRetry();
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release) => client.release(release)),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }

  override on<K extends keyof IamPoolEventMap>(event: K, listener: (...args: IamPoolEventMap[K]) => void): this;
  override on<K extends PgPoolEvent>(event: K, listener: PgPoolListener<K>): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event as PgPoolEvent, listener as PgPoolListener<PgPoolEvent>);
  }

  async #connectWithRetry(): Promise<pg.PoolClient> {
    const { now } = this.#shared;
    const deadlineMs = now() + this.#shared.connectTimeoutMs;
    let lastError: unknown;
    for (let retry = 1; ; retry += 1) {
      try {
        return await this.#attemptUntil(deadlineMs, lastError);
      } catch (error) {
        lastError = error;
        const cause = classifyConnectFailure(error);
        if (!isRetryableConnectFailure(cause) || retry > this.#retry.maxRetries) throw error;
        const delayMs = backoffDelayMs(retry, this.#retry, this.#random);
        if (now() + delayMs >= deadlineMs) throw error;
        this.#shared.counts.retries += 1;
        this.#shared.emit('retry', { retry, delayMs, cause });
        // Not unref()ed: a caller is awaiting this connect.
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * One pg-pool connect, abandoned at the caller's deadline (a late client goes
   * back to the pool). The timeout names the previous failure as its cause.
   */
  #attemptUntil(deadlineMs: number, previousError: unknown): Promise<pg.PoolClient> {
    const attempt = super.connect();
    return new Promise<pg.PoolClient>((resolve, reject) => {
      let isLate = false;
      const timer = setTimeout(
        () => {
          isLate = true;
          const after = previousError === undefined ? '' : ` (previous attempt: ${(previousError as Error).message})`;
          reject(new Error(`timeout exceeded when trying to connect${after}`, { cause: previousError }));
        },
        Math.max(0, deadlineMs - this.#shared.now()),
      );
      attempt.then(
        (client) => {
          keepConnectionAfterStatementErrors(client, this.#countKept);
          if (isLate) return client.release();
          clearTimeout(timer);
          resolve(client);
        },
        (error: Error) => {
          clearTimeout(timer);
          if (!isLate) reject(error);
        },
      );
    });
  }
}

/** Creates the IAM pool. Same query API as `pg.Pool`; see IamPoolOptions. */
export function createIamPool(options: IamPoolOptions): IamPool {
  return new IamPool(options);
}

interface PgClientInternals {
  readonly connection?: { readonly stream?: { readonly destroyed?: boolean } };
}

/** pg-pool builds clients from this class: the gate and the counters live in `connect`. */
function gatedClientClass(shared: Shared): typeof pg.Client {
  async function open(client: pg.Client, connect: () => Promise<unknown>): Promise<void> {
    const { counts, now } = shared;
    if (shared.gate) {
      const startedMs = now();
      try {
        await shared.gate.acquire(AbortSignal.timeout(shared.connectTimeoutMs));
      } catch (error) {
        counts.gateTimeouts += 1;
        throw new Error('timed out waiting for the IAM authentication budget gate', { cause: error });
      }
      const waitedMs = now() - startedMs;
      if (waitedMs >= GATE_WAIT_THRESHOLD_MS) {
        counts.gateWaits += 1;
        counts.gateWaitMs += waitedMs;
        shared.emit('gateWait', waitedMs);
      }
      // pg-pool's own connect timeout destroys the socket of a client it gave up on.
      if ((client as unknown as PgClientInternals).connection?.stream?.destroyed) throw new Error('timeout expired');
    }
    counts.attempts += 1;
    shared.rate.record();
    shared.emit('attempt');
    try {
      await connect();
    } catch (error) {
      // A failure before the server spoke last (e.g. no token could be made)
      // leaves the socket open: pg-pool only drops the client from its list.
      void client.end().catch(() => undefined);
      const cause = classifyConnectFailure(error);
      counts.failures[cause] += 1;
      const secret = client.password;
      const redacted = redactError(
        error instanceof Error ? error : new Error(String(error)),
        typeof secret === 'string' ? [secret] : [],
      );
      shared.emit('connectFailure', { cause, error: redacted });
      if (cause === 'throttled') shared.emit('throttled', redacted);
      throw redacted;
    }
    counts.established += 1;
  }

  return class GatedClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
    override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
      const connecting = open(this, () => super.connect()).then(() => this);
      if (!callback) return connecting;
      connecting.then(
        (client) => callback(null, client),
        (error: Error) => callback(error),
      );
    }
  };
}
