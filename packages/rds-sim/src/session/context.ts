import type { SecureContext } from 'node:tls';
import type { FailureMetric, SimCounters } from '../metrics/counters';
import type { LoginRefusal } from '../upstream/login-check';
import type { CancelKeys } from './cancel-keys';

export type IamDecision =
  { readonly isAccepted: true } | { readonly isAccepted: false; readonly metric: FailureMetric };

export interface IamAttempt {
  readonly token: string;
  readonly user: string;
  readonly clientAddress: string;
}

/** What a client session needs from its simulated instance. */
export interface SessionContext {
  readonly secureContext: SecureContext;
  readonly upstream: { readonly host: string; readonly port: number };
  readonly counters: SimCounters;
  readonly cancelKeys: CancelKeys;
  /** `relay`: sessions go to upstream PostgreSQL. `answer`: the simulator answers them itself (answer.ts). */
  readonly sessionMode: 'relay' | 'answer';
  /** Answer mode: application_names whose sessions are relayed all the same. */
  readonly relayedApplications: ReadonlySet<string>;
  /** Answer mode: the configured password of a password user (undefined: unknown user). */
  passwordOf(user: string): string | undefined;
  /** Answer mode: role, LOGIN, database and CONNECT, asked of the database. */
  checkLogin(user: string, database: string): Promise<LoginRefusal | null>;
  /** DescribeDBInstances' IAMDatabaseAuthenticationEnabled, now: off, no token logs anyone in. */
  isIamDatabaseAuthenticationEnabled(): boolean;
  /** Whether the login user is a member of rds_iam upstream (and so may only log in with IAM). */
  isIamUser(user: string): Promise<boolean>;
  /** Counts the request and judges it: throttled, invalid, not permitted, or accepted. */
  authenticateIam(attempt: IamAttempt): IamDecision;
  /** The upstream let an accepted IAM login in: count the success. */
  iamLoginCompleted(): void;
  /** The upstream refused an accepted IAM login: a server-side failure. */
  iamLoginBroken(attempt: Omit<IamAttempt, 'token'>, reason: string): void;
}
