import type { AwsCredentialIdentity } from '../token/index';

// The shapes of @iamroll/contracts' preflight.ts (PreflightCheck, PreflightResult), restated
// here so core depends on no other package; the agent assigns them to the contract types, so
// the compiler keeps the two identical.

export type PreflightStage = 'ro_iam' | 'rw_iam';
export type PreflightCheckId =
  | 'credentials'
  | 'sts'
  | 'assume-role'
  | 'token'
  | 'tls-login'
  | 'rds-iam-member'
  | 'database-rights'
  | 'lint'
  | 'reminder';
export type PreflightCheckStatus = 'pass' | 'fail' | 'skip' | 'info';

export interface PreflightCheck {
  readonly id: PreflightCheckId;
  readonly connection: 'rw' | 'ro' | null;
  readonly status: PreflightCheckStatus;
  readonly message: string;
  readonly fix: string;
}

export interface PreflightResult {
  readonly stage: PreflightStage;
  readonly checkedAt: string;
  readonly isPassed: boolean;
  readonly checks: PreflightCheck[];
}

/** The target stage's files as the caller planned them, or why they cannot be planned. */
export type TargetInput = { readonly confText: string; readonly envFileText?: string } | { readonly error: string };

/** Where to dial for an endpoint host, and the CA to trust there (a tunnel, the simulator on loopback). */
export interface PreflightEndpoint {
  readonly connectHost?: string;
  /** Replaces lua_ssl_trusted_certificate for this endpoint (simulated nodes whose kong.conf names no CA). */
  readonly caPem?: string;
}

export interface PreflightOptions {
  /** kong.conf: its text (with its path, for messages), or a path read here. */
  readonly kongConf: { readonly text: string; readonly path?: string } | { readonly path: string };
  /** The env file Kong starts with (systemd EnvironmentFile, docker --env-file): text or path. */
  readonly envFile?: { readonly text: string } | { readonly path: string };
  /**
   * The environment Kong's process runs with (KONG_* and AWS_*); the env file's variables win
   * over it, as they do for the planner. The CLI passes its own environment; the agent its own.
   */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  readonly to: PreflightStage;
  /** Open TCP here for every connection (port stays pg_port); the token and TLS still name the host. */
  readonly connectHost?: string;
  /** Per endpoint host: where to dial and which CA to trust (the agent's probe-login logic). */
  readonly endpointFor?: (host: string) => PreflightEndpoint | undefined;
  /**
   * The target stage's kong.conf/env-file text when the caller planned it itself (the agent plans
   * from the node's original file); default: `planStage` on the given files.
   */
  readonly targetInput?: TargetInput;
  /** Credentials given instead of the default chain (the sandbox's simulated nodes), with words for the message. */
  readonly credentials?: { readonly identity: AwsCredentialIdentity; readonly description: string };
  /** For the rds-db:connect policy in fixes; placeholders when unknown. */
  readonly accountId?: string;
  readonly resourceIdFor?: (host: string) => string | undefined;
  /** Epoch ms; checkedAt and token dates use it. */
  readonly now: () => number;
  /** Deadline of each network step (STS, login). Default 10,000 ms. */
  readonly timeoutMs?: number;
}
