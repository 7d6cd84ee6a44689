/** CloudWatch's AWS/RDS metric names for IAM database authentication (all are Sum-type counts). */
export const IAM_AUTH_METRICS = [
  'IamDbAuthConnectionRequests',
  'IamDbAuthConnectionSuccess',
  'IamDbAuthConnectionFailure',
  'IamDbAuthConnectionFailureInvalidToken',
  'IamDbAuthConnectionFailureInsufficientPermissions',
  'IamDbAuthConnectionFailureThrottling',
  'IamDbAuthConnectionFailureServerError',
] as const;
export type IamAuthMetric = (typeof IAM_AUTH_METRICS)[number];
export type FailureMetric = Exclude<
  IamAuthMetric,
  'IamDbAuthConnectionRequests' | 'IamDbAuthConnectionSuccess' | 'IamDbAuthConnectionFailure'
>;
export type MetricName = IamAuthMetric | 'DatabaseConnections';
export type MetricValues = Readonly<Record<MetricName, number>>;

export interface SecondSample extends MetricValues {
  readonly epochSecond: number;
}

export interface AuthFailureRecord {
  readonly atMs: number;
  readonly clientAddress: string;
  readonly user: string;
  readonly metric: FailureMetric;
  /** Why, precisely (never the token). Real RDS writes this to its iam-db-auth-error log. */
  readonly reason: string;
}

export interface RdsSimCounters {
  /** The simulated DBInstanceIdentifier (first label of the endpoint name). */
  readonly instanceId: string;
  readonly atMs: number;
  /** Counts since start; `DatabaseConnections` is the current level, not a count. */
  readonly totals: MetricValues;
  /**
   * The last 60 seconds, oldest first, ending with the current second.
   * Counters are per-second sums; `DatabaseConnections` is the highest level
   * during that second.
   */
  readonly perSecond: readonly SecondSample[];
  /** Client TCP connections accepted since start, by remote address. */
  readonly newConnectionsByClientAddress: Readonly<Record<string, number>>;
  /** The most recent IAM authentication failures, newest last. */
  readonly recentFailures: readonly AuthFailureRecord[];
  /**
   * Completed logins since start by the client's `application_name` (empty string when unset),
   * split by how they authenticated: lets a test tell which node logged in with a token.
   */
  readonly loginsByApplication: Readonly<Record<string, LoginCounts>>;
}

export interface LoginCounts {
  readonly iam: number;
  readonly password: number;
}

/** Distinct application names remembered (a runaway client cannot grow the map without bound). */
const KEPT_APPLICATIONS = 10_000;

const WINDOW_SECONDS = 60;
const KEPT_FAILURES = 100;

interface Bucket {
  counts: Record<IamAuthMetric, number>;
  maxConnections: number;
  /** Net change of the connection level during this second (to rebuild levels backwards). */
  connectionDelta: number;
}

/** Totals and a rolling per-second window, on the simulator's (injectable) clock. */
export class SimCounters {
  readonly #totals = zeroCounts();
  readonly #buckets = new Map<number, Bucket>();
  readonly #byAddress = new Map<string, number>();
  readonly #failures: AuthFailureRecord[] = [];
  readonly #logins = new Map<string, { iam: number; password: number }>();
  #connections = 0;

  constructor(
    readonly instanceId: string,
    private readonly nowMs: () => number,
  ) {}

  count(metric: IamAuthMetric): void {
    this.#totals[metric] += 1;
    this.#bucket().counts[metric] += 1;
  }

  /** Counts a failure under both IamDbAuthConnectionFailure and its kind, and remembers why. */
  fail(failure: Omit<AuthFailureRecord, 'atMs'>): void {
    this.count('IamDbAuthConnectionFailure');
    this.count(failure.metric);
    this.#failures.push({ atMs: this.nowMs(), ...failure });
    if (this.#failures.length > KEPT_FAILURES) this.#failures.shift();
  }

  /** A session reached ReadyForQuery. */
  loginCompleted(applicationName: string, isIam: boolean): void {
    let counts = this.#logins.get(applicationName);
    if (!counts) {
      if (this.#logins.size >= KEPT_APPLICATIONS) return;
      counts = { iam: 0, password: 0 };
      this.#logins.set(applicationName, counts);
    }
    if (isIam) counts.iam += 1;
    else counts.password += 1;
  }

  connectionOpened(clientAddress: string): void {
    this.#byAddress.set(clientAddress, (this.#byAddress.get(clientAddress) ?? 0) + 1);
    this.#changeLevel(+1);
  }

  connectionClosed(): void {
    this.#changeLevel(-1);
  }

  snapshot(): RdsSimCounters {
    const atMs = this.nowMs();
    const nowSecond = Math.floor(atMs / 1000);
    this.#prune(nowSecond);
    const perSecond: SecondSample[] = [];
    let levelAtEnd = this.#connections;
    // Seconds "after now" exist only when an injected clock moved backwards.
    for (const [second, bucket] of this.#buckets) if (second > nowSecond) levelAtEnd -= bucket.connectionDelta;
    for (let second = nowSecond; second > nowSecond - WINDOW_SECONDS; second -= 1) {
      const bucket = this.#buckets.get(second);
      perSecond.push({
        epochSecond: second,
        ...(bucket?.counts ?? zeroCounts()),
        DatabaseConnections: bucket ? bucket.maxConnections : levelAtEnd,
      });
      if (bucket) levelAtEnd -= bucket.connectionDelta;
    }
    return {
      instanceId: this.instanceId,
      atMs,
      totals: { ...this.#totals, DatabaseConnections: this.#connections },
      perSecond: perSecond.reverse(),
      newConnectionsByClientAddress: Object.fromEntries(this.#byAddress),
      recentFailures: [...this.#failures],
      loginsByApplication: Object.fromEntries([...this.#logins].map(([name, counts]) => [name, { ...counts }])),
    };
  }

  #changeLevel(delta: number): void {
    const bucket = this.#bucket();
    this.#connections += delta;
    bucket.connectionDelta += delta;
    bucket.maxConnections = Math.max(bucket.maxConnections, this.#connections);
  }

  #bucket(): Bucket {
    const second = Math.floor(this.nowMs() / 1000);
    let bucket = this.#buckets.get(second);
    if (!bucket) {
      bucket = { counts: zeroCounts(), maxConnections: this.#connections, connectionDelta: 0 };
      this.#buckets.set(second, bucket);
      this.#prune(second);
    }
    return bucket;
  }

  #prune(nowSecond: number): void {
    for (const second of this.#buckets.keys()) {
      if (second <= nowSecond - WINDOW_SECONDS) this.#buckets.delete(second);
    }
  }
}

function zeroCounts(): Record<IamAuthMetric, number> {
  return Object.fromEntries(IAM_AUTH_METRICS.map((name) => [name, 0])) as Record<IamAuthMetric, number>;
}
