// @iamroll/core/config: Kong's configuration as Kong itself reads it (kong.conf, KONG_*
// environment, defaults), the two PostgreSQL connections it builds, the IAM lint, the
// stage planner, the kong.conf / env / diff renderers and the IAM policy generator.
// Pure functions only: no file or network access.

export {
  parseKongConf,
  effectiveEntries,
  kongKeyName,
  kongValue,
  type ConfEntry,
  type ConfDiagnostic,
  type DiagnosticCode,
  type DiagnosticSeverity,
  type ParsedConf,
} from './parse';
export { parseEnvFile, type EnvFileEntry, type ParsedEnvFile } from './env-file';
export {
  KONG_KEYS,
  IGNORED_KEYS,
  SENSITIVE_PLACEHOLDER,
  envVarName,
  keySpec,
  type KeySpec,
  type KeyType,
} from './defaults';
export { kongBoolean, isRecognizedBoolean, luaToNumber } from './lua';
export {
  loadKongConf,
  resolved,
  valueOf,
  isExplicit,
  describeSource,
  describeKey,
  type LoadInput,
  type LoadedConf,
  type ResolvedValue,
  type ValueSource,
} from './load';
export {
  kongSigningRegion,
  partitionOfRegion,
  isIpAddress,
  signingRegion,
  KONG_REGION_PATTERN_RELEASES,
  type RegionProblem,
  type RegionVerdict,
} from './region';
export {
  effectiveConfig,
  connectionSettings,
  connectionOrigins,
  iamApplicability,
  hasReadOnlyConnection,
  type ConnectionName,
  type ConnectionSettings,
  type ConnectionOrigins,
  type EffectiveConfig,
  type IamApplicability,
} from './effective';
export {
  lintKongConf,
  sortFindings,
  countBySeverity,
  LINT_RULES,
  type LintFinding,
  type LintRule,
  type LintSeverity,
} from './lint/index';
export { renderConf, escapeConfValue, unwritableValueReason, maskedLines, type ConfEdit } from './render';
export { renderEnvEdits, applyEnvEdits, quoteEnvValue } from './render-env';
export { unifiedDiff, type DiffOptions } from './diff';
export {
  planStage,
  currentStage,
  IAM_STAGES,
  type IamStage,
  type CurrentIamStage,
  type StagePlan,
  type StagePlanOptions,
} from './plan';
export { buildIamPolicy, rdsDbUserArn, type IamPolicyDocument, type PolicyInput, type PolicyResult } from './policy';
export {
  buildControllerPolicy,
  CONTROLLER_ACTIONS,
  type ControllerPolicyDocument,
  type ControllerPolicyInput,
  type ControllerPolicyResult,
} from './controller-policy';
export { dbUserProblem, quoteIdentifier } from './identifiers';
