import type {
  ConnectionName,
  ConnectionOrigins,
  ConnectionSettings,
  EffectiveConfig,
  IamApplicability,
} from '../effective';
import type { LoadedConf } from '../load';

export type LintSeverity = 'error' | 'warning' | 'info';

/** One problem or remark. `rule` ids are a stable contract (scripts match on them). */
export interface LintFinding {
  readonly rule: string;
  readonly severity: LintSeverity;
  /** The setting to look at (for a finding about a line, the key on it or "kong.conf"). */
  readonly key: string;
  /** What Kong will do, and why it matters. Never contains a password. */
  readonly message: string;
  /** What to change. */
  readonly fix: string;
}

/** A connection that exists and authenticates with IAM on a node where IAM applies. */
export interface IamConnection {
  readonly which: ConnectionName;
  /** "read-write" or "read-only", for messages. */
  readonly label: string;
  /** pg_iam_auth or pg_ro_iam_auth. */
  readonly iamKey: string;
  readonly settings: ConnectionSettings;
  readonly origins: ConnectionOrigins;
}

export interface LintContext {
  readonly conf: LoadedConf;
  readonly effective: EffectiveConfig;
  readonly applicability: IamApplicability;
  readonly iamConnections: readonly IamConnection[];
}

export interface LintRule {
  /** Finding ids this rule can emit (most rules emit one). */
  readonly ids: readonly string[];
  /** The Kong or AWS fact behind the rule, in one or two sentences. */
  readonly fact: string;
  check(context: LintContext): LintFinding[];
}
