import type { FailureMetric, SimCounters } from '../metrics/counters';
import { verifyRdsToken, type SimCredential } from '../sigv4/verify-rds-token';
import { TokenBucket } from '../throttle/token-bucket';
import type { IamAttempt, IamDecision } from './context';

export interface IamAuthenticatorOptions {
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly region: string;
  readonly credentials: readonly SimCredential[];
  readonly authRatePerSecond: number;
  readonly nowMs: () => number;
  readonly counters: SimCounters;
  readonly log: (line: string) => void;
}

/**
 * The instance's IAM side: every token that arrives is a request; the budget
 * is spent before the token is looked at (a storm of bad tokens throttles
 * good ones too, as on RDS); then the token is verified.
 */
export class IamAuthenticator {
  readonly #bucket: TokenBucket;
  readonly #credentials: ReadonlyMap<string, SimCredential>;

  constructor(private readonly options: IamAuthenticatorOptions) {
    this.#bucket = new TokenBucket(options.authRatePerSecond, options.nowMs());
    this.#credentials = new Map(options.credentials.map((c) => [c.accessKeyId, c]));
  }

  get ratePerSecond(): number {
    return this.#bucket.ratePerSecond;
  }

  setRatePerSecond(ratePerSecond: number): void {
    this.#bucket.setRatePerSecond(ratePerSecond, this.options.nowMs());
  }

  authenticate({ token, user, clientAddress }: IamAttempt): IamDecision {
    const { counters, nowMs } = this.options;
    counters.count('IamDbAuthConnectionRequests');
    if (!this.#bucket.tryTake(nowMs())) {
      return this.#fail(
        { user, clientAddress },
        'IamDbAuthConnectionFailureThrottling',
        `over the instance budget of ${this.ratePerSecond} IAM authentications/s`,
      );
    }
    const verdict = verifyRdsToken(token, {
      dbUser: user,
      endpointHost: this.options.endpointHost,
      endpointPort: this.options.endpointPort,
      region: this.options.region,
      nowMs: nowMs(),
      findCredential: (accessKeyId) => this.#credentials.get(accessKeyId),
    });
    if (verdict.isValid) return { isAccepted: true };
    return this.#fail({ user, clientAddress }, `IamDbAuthConnectionFailure${verdict.kind}`, verdict.reason);
  }

  completed(): void {
    this.options.counters.count('IamDbAuthConnectionSuccess');
  }

  broken(login: { user: string; clientAddress: string }, reason: string): void {
    this.#fail(login, 'IamDbAuthConnectionFailureServerError', reason);
  }

  #fail(login: { user: string; clientAddress: string }, metric: FailureMetric, reason: string): IamDecision {
    this.options.counters.fail({ ...login, metric, reason });
    const kind = metric.replace('IamDbAuthConnectionFailure', '');
    this.options.log(
      `iam-db-auth failure=${kind} user="${login.user}" client=${login.clientAddress} reason="${reason}"`,
    );
    return { isAccepted: false, metric };
  }
}
