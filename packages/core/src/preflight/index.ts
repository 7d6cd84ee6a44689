// @iamroll/core/preflight: every prerequisite of IAM authentication for a node's *target*
// stage, proven before any switch, with the node's own credentials and configuration and
// without writing anything. `iamroll preflight` and the agent (on the controller's request)
// run the same `runPreflight`. The checks, in the order they run (ids are the contract's):
//  - credentials: which source of Kong's credential chain resolves (env keys, profile + shared
//    files, ECS container, web identity, instance metadata), with Kong's environment (the env
//    file over the process env); named, never printed (an access key id's last 4 at most).
//  - sts (web identity only): AssumeRoleWithWebIdentity answers at pg_iam_auth_sts_endpoint_url /
//    AWS_ENDPOINT_URL_STS / the regional endpoint, and AWS_STS_REGIONAL_ENDPOINTS=regional is set.
//  - per IAM connection of the stage (rw for rw_iam; ro when pg_ro_host is set):
//    assume-role (with an ARN: AssumeRole with the session name; AccessDenied → the trust policy
//    and permission documents), token (signed for host, port, user and the region of
//    config/region.ts signingRegion), tls-login (the core pool, CA = lua_ssl_trusted_certificate,
//    verified when pg_ssl_verify is on; a refusal is sorted into the check it points to),
//    rds-iam-member, database-rights (CONNECT; USAGE on pg_schema, plus CREATE for rw because
//    `kong migrations` run as the IAM user once it is on; SELECT on every table of the schema for
//    ro, SELECT/INSERT/UPDATE/DELETE for rw; the fix is the exact GRANT SQL).
//  - lint: core's linter (and the planner's blockers) on the target-stage configuration.
//  - reminder (info): credential variables are fixed at Kong's start; migrations need -c kong.conf.
// A check that cannot run after an earlier failure is `skip` with the reason.

export { runPreflight, DEFAULT_PREFLIGHT_TIMEOUT_MS } from './run-preflight';
export { targetConfig, kongEnvironment, type TargetConfig, type TargetConnection } from './target-config';
export { resolveCredentialSource, keyHint, type CredentialResolution, type CredentialSourceKind } from './credentials';
export { assumeRoleFix } from './sts';
export { connectPolicy, grantRdsIam } from './fixes';
export { RDS_CA_BUNDLE_URL } from './trusted-ca';
export type {
  PreflightCheck,
  PreflightCheckId,
  PreflightCheckStatus,
  PreflightEndpoint,
  PreflightOptions,
  PreflightResult,
  PreflightStage,
  TargetInput,
} from './types';
