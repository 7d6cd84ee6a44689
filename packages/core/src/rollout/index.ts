// @iamroll/core/rollout: the staged, paced rollout engine (read-only first, then read-write),
// pure: no I/O, no clock, no randomness. Every time comes in as epoch milliseconds.
export * from './types';
export * from './observations';
export * from './defaults';
export { normaliseRolloutSpec, stepHash, buildSteps, quantityOf, type SpecError, type SpecResult } from './spec';
export { resolveScope, resolveNode, isInScope, parseKongVersion, compareVersions, type ScopeVerdict } from './scope';
export { burstByDatabase, iamKindsAt, type BurstEstimate } from './burst';
export {
  preflightGate,
  preflightRequests,
  preflightStageOf,
  databaseIamBlock,
  type PreflightGate,
  type PreflightRequestIntent,
  type PreflightStageName,
} from './preflight-gate';
export { initialRolloutState, nodeViews } from './state';
export { decide, ENGINE_ACTOR } from './decide';
export { applyControl, newRolloutState, type ControlResult } from './controls';
export { firingGates, type Gate } from './gates';
export {
  selectSwitches,
  inFlightByDatabase,
  type PacingCandidate,
  type PacingInput,
  type PacingResult,
} from './pacing';
export { roReadiness, reachByStep, type Readiness } from './phase';
export { paceAdoption, type AdoptionCandidate, type AdoptionInput, type AdoptionResult } from './adoption';
export { rolloutMessage, stepLabel, currentStep, type RolloutStepView } from './message';
export type { RolloutIntent, RolloutIntentKind, ControlOutcome, RolloutDecision } from './intents';
export {
  previewRollout,
  type RolloutPreview,
  type PhasePreview,
  type WavePreview,
  type DatabasePreview,
  type PreviewOptions,
} from './preview';
