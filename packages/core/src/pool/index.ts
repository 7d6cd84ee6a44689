export {
  createIamPool,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RETRIES,
  IamPool,
  type IamPoolCounters,
  type IamPoolEventMap,
  type IamPoolOptions,
  type IamPoolPgOptions,
} from './iam-pool';
export {
  createTokenBucketGate,
  RDS_IAM_AUTH_BUDGET_PER_SECOND,
  unlimitedGate,
  type BudgetGate,
  type TokenBucketGate,
  type TokenBucketGateOptions,
} from './budget-gate';
export {
  CONNECT_FAILURE_CAUSES,
  classifyConnectFailure,
  isRetryableConnectFailure,
  type ConnectFailureCause,
} from './classify';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { SlidingRate } from './sliding-rate';
export {
  buildSslOptions,
  DEFAULT_TLS_MAX_VERSION,
  DEFAULT_TLS_MIN_VERSION,
  readCaBundle,
  type IamTlsOptions,
  type SslMode,
} from './tls';
