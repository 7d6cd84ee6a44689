export { startRdsSim, type RdsSim } from './rds-sim';
export type { RdsSimOptions, TlsVersion } from './options';
export { generateCredential } from './options';
export type { SimCredential } from './sigv4/verify-rds-token';
export { verifyRdsToken, type TokenVerdict, type TokenExpectations } from './sigv4/verify-rds-token';
export type { PasswordUser, UpstreamAdmin } from './upstream/prepare-upstream';
export {
  IAM_AUTH_METRICS,
  type IamAuthMetric,
  type MetricName,
  type RdsSimCounters,
  type SecondSample,
  type AuthFailureRecord,
  type LoginCounts,
} from './metrics/counters';
export type { GetMetricDataShape, MetricDataResult } from './metrics/cloudwatch-shape';
export { THROTTLING_DETAIL } from './session/serve-client';
export { IAM_TRUST_RULE } from './upstream/iam-trust-rule';
export { SIM_ACCOUNT_ID } from './rds-api/instance-directory';
